/**
 * The MLLP listener under the flood a security probe sent: hundreds of connections each holding an
 * unfinished ~990 KB frame, and hundreds more that never send anything. The built gateway runs in its
 * own process with the default limits, as in production, so its resident memory (VmRSS) is what the
 * flood costs; a real message sent on a new connection during the flood must still be acknowledged.
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net, { type Socket } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { allTopicDefinitions, TOPICS } from '@meridian/contracts';
import { provisionTopics, waitForTopics } from '@meridian/kafka';
import {
  eventually,
  freePort,
  MllpClient,
  readAck,
  startBuiltServices,
  stopBuiltServices,
  testKafka,
  type RunningService,
} from '@meridian/testing';

const ROOT = path.resolve(__dirname, '../../../..');
const MIB = 1024 * 1024;
/** The probe's numbers: 300 unfinished frames of 990 KB (under the 1,000,000-byte limit), 500 idle. */
const PARTIAL_FRAMES = 300;
const IDLE_CONNECTIONS = 500;
const FRAME_BYTES = 990_000;
/** A name that must never reach the gateway's logs. */
const PATIENT = 'FLOODPATIENT^JANE';

const message = (controlId: string): string =>
  `MSH|^~\\&|ADT1|GOODHEALTH|MERIDIAN|MERIDIAN|20260101120000||ADT^A08^ADT_A01|${controlId}|P|2.5.1\r` +
  'EVN|A08|20260101120000\rPID|1||MRN-4004^^^GOODHEALTH^MR||ROE^RICHARD||19700101|M\r';
const controlId = (): string => `F${randomUUID().replace(/-/g, '').slice(0, 18)}`;

/** A start block and 990 KB of a message that never ends (no end block). */
function unfinishedFrame(): Buffer {
  const head = `\x0bMSH|^~\\&|ADT1|GOODHEALTH|MERIDIAN|MERIDIAN|20260101120000||ORU^R01^ORU_R01|F1|P|2.5.1\rPID|1||MRN-1^^^GOODHEALTH^MR||${PATIENT}||19700101|F\rOBX|1|ED|PDF^Report||^application^pdf^Base64^`;
  return Buffer.concat([Buffer.from(head), Buffer.alloc(FRAME_BYTES - head.length, 'A')]);
}

/** The process's resident memory, from /proc (Linux). */
async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb[1]) * 1024;
}

/** Samples a process's memory until it holds still: the `window` last samples within 2 MB. */
async function settledRss(pid: number, what: string, window = 12): Promise<number> {
  const samples: number[] = [];
  return eventually(
    async () => {
      samples.push(await rssBytes(pid));
      const last = samples.slice(-window);
      return last.length === window && Math.max(...last) - Math.min(...last) < 2 * MIB
        ? last[last.length - 1]
        : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250, what },
  );
}

interface FloodSocket {
  socket: Socket;
  /** Closed by the gateway (or reset), as the client sees it. */
  closed: boolean;
  /** Every byte written has left the client (for the frames). */
  flushed: boolean;
}

/** A connection from `localAddress` (any 127.x.y.z is this host), writing `payload` if given. */
function open(port: number, localAddress: string, payload?: Buffer): Promise<FloodSocket> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    const entry: FloodSocket = { socket, closed: false, flushed: !payload };
    socket.once('connect', () => {
      if (payload) socket.write(payload, () => (entry.flushed = true));
      resolve(entry);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      entry.closed = true;
      resolve(entry);
    });
  });
}

describe('MLLP under a flood of unfinished frames and idle connections (built gateway, own process)', () => {
  let gateway: RunningService | undefined;
  let port: number;
  const flood: FloodSocket[] = [];

  beforeAll(async () => {
    const built = statSync(path.join(ROOT, 'dist/apps/gateway/src/hl7/mllp.server.js'), {
      throwIfNoEntry: false,
    });
    const source = statSync(path.join(ROOT, 'apps/gateway/src/hl7/mllp.server.ts'));
    if (built === undefined || built.mtimeMs < source.mtimeMs)
      throw new Error('dist/apps/gateway is older than its sources: run `npm run build` (tools/test does)');
    const admin = testKafka().admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    await waitForTopics(admin, [TOPICS.hl7Inbound.name]);
    await admin.disconnect();
  });

  beforeEach(async () => {
    port = await freePort();
    // The listener's limits are the defaults: the test checks what a deployment gets.
    [gateway] = await startBuiltServices(['gateway'], {
      ...process.env,
      MLLP_PORT: String(port),
      LOG_LEVEL: 'warn',
    });
  });

  afterEach(async () => {
    for (const entry of flood.splice(0)) entry.socket.destroy();
    if (gateway) await stopBuiltServices([gateway]);
    gateway = undefined;
  });

  /**
   * Floods from `addresses` (round robin), sends a real message from 127.0.0.1 on a new connection once
   * the flood has landed, and returns its ACK with the gateway's memory: the baseline once settled
   * before, and the peak sampled from the flood's start until memory holds still again.
   */
  async function floodAndSend(addresses: string[]) {
    const pid = gateway?.process.pid ?? 0;
    // The path a real message takes is warm (producer, dedupe) before the baseline is taken.
    const warm = await MllpClient.connect(port);
    await eventually(
      async () => (readAck(await warm.request(message(controlId()))).code === 'AA' ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 1_000, what: 'AA before the flood' },
    );
    warm.close();
    const baseline = await settledRss(pid, 'the gateway’s memory to settle before the flood');

    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssBytes(pid).catch(() => 0));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const frame = unfinishedFrame();
    const from = (i: number) => addresses[i % addresses.length];
    const partial: FloodSocket[] = [];
    for (let i = 0; i < PARTIAL_FRAMES; i++) partial.push(await open(port, from(i), frame));
    const idle: FloodSocket[] = [];
    for (let i = 0; i < IDLE_CONNECTIONS; i++) idle.push(await open(port, from(i)));
    flood.push(...partial, ...idle);
    // Landed: every frame has left the client or its connection was closed.
    await eventually(() => (partial.every((e) => e.flushed || e.closed) ? true : undefined), {
      timeoutMs: 60_000,
      what: 'every unfinished frame sent or refused',
    });

    const sender = await MllpClient.connect(port);
    const id = controlId();
    const ack = readAck(await sender.request(message(id), 30_000));
    sender.close();

    // The gateway reads what the kernel buffered at its own pace: sample until its memory holds still
    // (a measurement window, not an assertion on time).
    await settledRss(pid, 'the gateway’s memory to settle during the flood', 16);
    sampling = false;
    await sampler;
    const stillOpen = (list: FloodSocket[]) => list.filter((e) => !e.closed).length;
    return {
      ack,
      id,
      baseline,
      growth: peak - baseline,
      summary:
        `RSS baseline ${(baseline / MIB).toFixed(1)} MB, peak ${(peak / MIB).toFixed(1)} MB, ` +
        `growth ${((peak - baseline) / MIB).toFixed(1)} MB; open at the end: ` +
        `${stillOpen(partial)}/${PARTIAL_FRAMES} unfinished, ${stillOpen(idle)}/${IDLE_CONNECTIONS} idle`,
      open: stillOpen(partial) + stillOpen(idle),
    };
  }

  /** The gateway's warnings, which must name the limits and never what the frames held. */
  function warnings(): string[] {
    return (gateway?.output.join('') ?? '').split('\n').filter((line) => line.includes('"level":"warn"'));
  }

  it('from one address: grows by at most 64 MB and still acknowledges a real message', async () => {
    const result = await floodAndSend(['127.0.0.2']);
    process.stdout.write(`[mllp flood, one address] ${result.summary}\n`);
    expect(result.ack).toMatchObject({ code: 'AA', controlId: result.id });
    expect(result.growth).toBeLessThanOrEqual(64 * MIB);
    // The per-peer cap turned most of it away.
    expect(result.open).toBeLessThanOrEqual(50);
    const logged = warnings().join('\n');
    expect(logged).toContain('MLLP_MAX_CONNECTIONS_PER_PEER');
    expect(logged).toContain('MLLP_MAX_BUFFERED_BYTES');
    expect(logged).not.toContain(PATIENT);
  });

  it('from 100 addresses, filling MLLP_MAX_CONNECTIONS: grows by at most 64 MB, and an idle connection makes room for a real message', async () => {
    const addresses = Array.from({ length: 100 }, (_, i) => `127.0.1.${i + 1}`);
    const result = await floodAndSend(addresses);
    process.stdout.write(`[mllp flood, 100 addresses] ${result.summary}\n`);
    expect(result.ack).toMatchObject({ code: 'AA', controlId: result.id });
    expect(result.growth).toBeLessThanOrEqual(64 * MIB);
    expect(result.open).toBeLessThanOrEqual(500);
    const logged = warnings().join('\n');
    expect(logged).toContain('MLLP_MAX_CONNECTIONS reached');
    expect(logged).toContain('MLLP_MAX_BUFFERED_BYTES');
    expect(logged).not.toContain(PATIENT);
  });
});
