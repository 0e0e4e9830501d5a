/**
 * The MLLP listener under conditions a hospital link meets: TLS and mutual TLS, and a Kafka broker
 * that stops. The broker here is the suite's own, so stopping it disturbs no other suite.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { allTopicDefinitions, TOPICS } from '@meridian/contracts';
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
