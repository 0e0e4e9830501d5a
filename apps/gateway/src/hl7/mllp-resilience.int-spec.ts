/**
 * The MLLP listener under conditions a hospital link meets: TLS and mutual TLS, and a Kafka broker
 * that stops. The broker here is the suite's own, so stopping it disturbs no other suite.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { allTopicDefinitions, TOPICS } from '@meridian/contracts';
import { encodeMllp, MllpDecoder } from '@meridian/hl7';
import { createKafkaClient, provisionTopics, readTopic, waitForTopics } from '@meridian/kafka';
import { startService } from '@meridian/platform';
import { eventually, MllpClient, readAck, runLauncher, startLocalBroker, testKafka } from '@meridian/testing';
import { gatewayService } from '../app.module';
import { MllpServer } from './mllp.server';

const ROOT = path.resolve(__dirname, '../../../..');
const TLS = path.resolve(__dirname, '../../test-fixtures/tls');
const pem = (name: string): Buffer => readFileSync(path.join(TLS, name));

const message = (controlId: string): string =>
  `MSH|^~\\&|ADT1|GOODHEALTH|MERIDIAN|MERIDIAN|20260101120000||ADT^A08^ADT_A01|${controlId}|P|2.5.1\r` +
  'EVN|A08|20260101120000\rPID|1||MRN-3003^^^GOODHEALTH^MR||ROE^RICHARD||19700101|M\r';
const id = (): string => `R${randomUUID().replace(/-/g, '').slice(0, 18)}`;

async function gateway(env: Record<string, string>): Promise<{ app: INestApplication; port: number }> {
  const { app } = await startService(gatewayService, {
    env: { ...process.env, PORT: '0', MLLP_PORT: '0', LOG_LEVEL: 'error', ...env },
    handleSignals: false,
  });
  return { app, port: app.get(MllpServer).address()?.port ?? 0 };
}

describe('MLLP over TLS and mutual TLS', () => {
  let app: INestApplication;
  let port: number;

  beforeAll(async () => {
    // The run's broker may be fresh when this suite runs alone: the gateway's consumers need the topics.
    const admin = testKafka().admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    await waitForTopics(admin, [TOPICS.hl7Inbound.name]);
    await admin.disconnect();
    ({ app, port } = await gateway({
      MLLP_TLS_CERT_FILE: path.join(TLS, 'server.pem'),
      MLLP_TLS_KEY_FILE: path.join(TLS, 'server.key'),
      MLLP_TLS_CA_FILE: path.join(TLS, 'ca.pem'),
    }));
  });

  afterAll(() => app?.close());

  it('accepts a client with a certificate the CA signed', async () => {
    const client = await MllpClient.connect(port, {
      tls: { ca: pem('ca.pem'), cert: pem('client.pem'), key: pem('client.key'), servername: 'localhost' },
    });
    const controlId = id();
    expect(readAck(await client.request(message(controlId)))).toEqual({ code: 'AA', controlId });
    client.close();
  });

  it('refuses a client without a certificate, and plain TCP, without acknowledging anything', async () => {
    // With TLS 1.3 the handshake may complete on the client before the server checks its certificate,
    // so the refusal shows either at connect or as the connection closing before any reply.
    const anonymous = await MllpClient.connect(port, { tls: { ca: pem('ca.pem'), servername: 'localhost' } })
      .then((client) => client.request(message(id()), 10_000))
      .catch((error: Error) => error);
    expect(anonymous).toBeInstanceOf(Error);
    expect(String(anonymous)).not.toMatch(/no MLLP reply within/);
    const plain = await MllpClient.connect(port);
    // A TLS listener reads the plain frame as a broken handshake and closes: no ACK of any kind.
    await expect(plain.request(message(id()), 10_000)).rejects.toThrow(/connection closed before a reply/);
    plain.close();
  });
});

describe('MLLP when the broker stops', () => {
  const state = path.join(ROOT, '.cache/kafka', `gateway-outage-${process.pid}.json`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'meridian-gateway-kafka-'));
  let brokers: string;
  let app: INestApplication | undefined;
  let port: number;

  beforeAll(async () => {
    brokers = await startLocalBroker(['--state', state, '--dir', dataDir]);
    const admin = createKafkaClient({ brokers: brokers.split(','), clientId: 'outage-test' }).admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    await waitForTopics(admin, [TOPICS.hl7Inbound.name]);
    await admin.disconnect();
    ({ app, port } = await gateway({ KAFKA_BROKERS: brokers, HL7_PUBLISH_TIMEOUT_MS: '3000' }));
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await runLauncher(['stop', '--state', state]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never sends a positive ACK for what Kafka does not have, and stores it once when the broker is back', async () => {
    const client = await MllpClient.connect(port);
    const before = id();
    // A broker just started may still be electing leaders: like any sender, resend until AA.
    await eventually(
      async () => (readAck(await client.request(message(before))).code === 'AA' ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 1_000, what: 'AA from the fresh broker' },
    );

    await runLauncher(['stop', '--state', state, '--keep']);
    const controlId = id();
    const during = readAck(await client.request(message(controlId)));
    expect(during.code).toBe('AE');
    expect(during.controlId).toBe(controlId);
    expect(during.text).toMatch(/not be stored|still being stored/);

    expect(await startLocalBroker(['--state', state, '--dir', dataDir])).toBe(brokers);
    // The sender resends, as it must after an AE, until it gets AA.
    const after = await eventually(
      async () => {
        const ack = readAck(await client.request(message(controlId)));
        return ack.code === 'AA' ? ack : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 2_000, what: 'AA for the resent message' },
    );
    client.close();
    expect(after.controlId).toBe(controlId);

    const kafka = createKafkaClient({ brokers: brokers.split(','), clientId: 'outage-reader' });
    const admin = kafka.admin();
    await admin.connect();
    const records = await eventually(() => readTopic(kafka, admin, TOPICS.hl7Inbound.name), {
      what: 'the inbound topic',
    });
    await admin.disconnect();
    const copies = records.filter((r) => r.message.value?.toString().includes(`|${controlId}|`));
    expect(copies).toHaveLength(1);
  });
});

describe('MLLP limits: connection caps, frame deadline, buffer budget', () => {
  const VT = Buffer.from([0x0b]);
  const FS_CR = Buffer.from([0x1c, 0x0d]);
  let app: INestApplication;
  let port: number;
  let metricsUrl: string;
  const clients: Peer[] = [];

  beforeAll(async () => {
    ({ app, port } = await gateway({
      MLLP_MAX_CONNECTIONS: '6',
      MLLP_MAX_CONNECTIONS_PER_PEER: '2',
      MLLP_FRAME_TIMEOUT_MS: '1500',
      HL7_MAX_MESSAGE_BYTES: '200000',
      MLLP_MAX_BUFFERED_BYTES: '200000',
    }));
    metricsUrl = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/metrics`;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    // Each test starts with the gateway's connections gone.
    await eventually(
      async () => ((await metric(/^meridian_mllp_connections (\d+)$/m)) === 0 ? true : undefined),
      {
        what: 'the gateway to see every connection closed',
      },
    );
  });

  afterAll(() => app?.close());

  /** A connection from `localAddress` (any 127.x.y.z is this host). */
  async function connect(localAddress: string): Promise<Peer> {
    const client = await Peer.connect(port, localAddress);
    clients.push(client);
    return client;
  }

  const metric = async (pattern: RegExp): Promise<number> => {
    const match = pattern.exec(await (await fetch(metricsUrl)).text());
    return match ? Number(match[1]) : 0;
  };
  const unfinished = () => metric(/^meridian_mllp_buffered_bytes\{kind="unfinished"\} (\d+)$/m);
  const limited = (reason: string) =>
    metric(new RegExp(`^meridian_mllp_limited_total\\{reason="${reason}"\\} (\\d+)$`, 'm'));
  const closed = (client: Peer) =>
    eventually(() => (client.isClosed ? true : undefined), { what: 'the gateway to close the connection' });

  it('refuses a third connection from one address, not one from another', async () => {
    const first = await connect('127.0.0.3');
    const second = await connect('127.0.0.3');
    const third = await connect('127.0.0.3');
    await closed(third);
    await expect(third.request(message(id()), 5_000)).rejects.toThrow(/connection closed/);
    for (const client of [first, second, await connect('127.0.0.4')]) {
      const controlId = id();
      expect(readAck(await client.request(message(controlId)))).toEqual({ code: 'AA', controlId });
    }
    expect(await limited('peer_limit')).toBeGreaterThan(0);
  });

  it('at the connection cap, closes the connection idle longest to make room', async () => {
    const idle = [];
    for (let i = 0; i < 6; i++) idle.push(await connect(`127.0.2.${i + 1}`));
    const newcomer = await connect('127.0.2.100');
    const controlId = id();
    expect(readAck(await newcomer.request(message(controlId)))).toEqual({ code: 'AA', controlId });
    await closed(idle[0]);
    expect(idle.slice(1).every((client) => !client.isClosed)).toBe(true);
    expect(await limited('idle_evicted')).toBeGreaterThan(0);
  });

  it('at the connection cap with every connection mid-frame, refuses a new one', async () => {
    const busy = [];
    for (let i = 0; i < 6; i++) {
      const client = await connect(`127.0.3.${i + 1}`);
      client.send(Buffer.concat([VT, Buffer.from('MSH|^~\\&|')]));
      busy.push(client);
    }
    // Each frame has started once the gateway holds its bytes.
    await eventually(async () => ((await unfinished()) >= 6 * 9 ? true : undefined), {
      what: 'six frames under way',
    });
    const refused = await connect('127.0.3.100');
    await closed(refused);
    expect(await limited('connection_limit')).toBeGreaterThan(0);
  });

  it('closes a connection whose frame does not end in time, after answering the frame before it', async () => {
    const slow = await connect('127.0.4.1');
    const quiet = await connect('127.0.4.2');
    const controlId = id();
    // A whole message, then a frame that never ends.
    slow.send(Buffer.concat([encodeMllp(message(controlId)), VT, Buffer.from('MSH|^~\\&|ADT1|')]));
    expect(readAck(await slow.next())).toEqual({ code: 'AA', controlId });
    await closed(slow);
    expect(await limited('frame_timeout')).toBeGreaterThan(0);
    // A connection with no frame under way is left to the idle timeout.
    expect(quiet.isClosed).toBe(false);
    const after = id();
    expect(readAck(await quiet.request(message(after)))).toEqual({ code: 'AA', controlId: after });
  });

  it('within the buffer budget: a frame that starts without room closes its connection, one under way waits, a whole message passes', async () => {
    const waiting = await connect('127.0.5.1');
    const big = await connect('127.0.5.2');
    const waitingId = id();
    // A frame under way (its first bytes held), then one that fills the budget (200,000 bytes).
    const [head, tail] = [message(waitingId).slice(0, 40), message(waitingId).slice(40)];
    waiting.send(Buffer.concat([VT, Buffer.from(head)]));
    await eventually(async () => ((await unfinished()) >= head.length ? true : undefined), {
      what: 'the first frame held',
    });
    big.send(Buffer.concat([VT, Buffer.alloc(190_000, 'A')]));
    await eventually(async () => ((await unfinished()) >= 190_000 ? true : undefined), {
      what: 'the second frame held',
    });

    // A new frame with no room: its connection is closed without an answer.
    const newcomer = await connect('127.0.5.3');
    newcomer.send(Buffer.concat([VT, Buffer.alloc(20_000, 'B')]));
    await closed(newcomer);
    expect(await limited('buffer_budget')).toBeGreaterThan(0);

    // The frame under way grows past the budget: not read further, but not closed.
    waiting.send(Buffer.concat([Buffer.from(tail), Buffer.alloc(20_000, 'C')]));
    await eventually(async () => ((await limited('buffer_wait')) > 0 ? true : undefined), {
      what: 'the growing frame held back',
    });
    expect(waiting.isClosed).toBe(false);

    // A whole message on a new connection is taken and acknowledged despite the full budget.
    const whole = await connect('127.0.5.4');
    const wholeId = id();
    expect(readAck(await whole.request(message(wholeId)))).toEqual({ code: 'AA', controlId: wholeId });

    // Room frees (the big frame's sender goes away): the waiting frame is read, ends, and is answered.
    big.close();
    waiting.send(FS_CR);
    const answer = readAck(await waiting.next());
    expect(answer.controlId).toBe(waitingId);
    expect(await unfinished()).toBe(0);
  });
});

/** An MLLP sender on its own local address, so that per-peer caps can tell senders apart. */
class Peer {
  private readonly replies: string[] = [];
  private readonly decoder = new MllpDecoder();
  private closedByPeer = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.decoder.push(chunk).frames) this.replies.push(frame.toString('utf8'));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => (this.closedByPeer = true));
  }

  static connect(port: number, localAddress: string): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', localAddress }, () => resolve(new Peer(socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.closedByPeer;
  }

  /** A framed message, or raw bytes. */
  send(message: string | Buffer): void {
    this.socket.write(typeof message === 'string' ? encodeMllp(message) : message);
  }

  /** The next reply; fails if the connection closes first or none comes within `timeoutMs`. */
  async next(timeoutMs = 30_000): Promise<string> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      const reply = this.replies.shift();
      if (reply !== undefined) return reply;
      if (this.closedByPeer) throw new Error('connection closed before a reply');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no MLLP reply within ${timeoutMs} ms`);
  }

  request(message: string | Buffer, timeoutMs?: number): Promise<string> {
    this.send(message);
    return this.next(timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }
}
