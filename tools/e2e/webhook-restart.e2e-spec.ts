/**
 * End to end, as a partner sees it: the built webhook-dispatcher process delivers to a real HTTP
 * receiver that verifies every request with the public `standardwebhooks` library. The first attempt
 * fails (500); the dispatcher is killed (SIGKILL) while the retry waits in its retry tier; a new
 * process picks the retry up from Kafka and delivers it, with the same webhook-id.
 *
 * Nothing here depends on how fast the kill is: the partner answers 500 until the first process
 * has exited and 200 only after, so a delivery can only be the new process's. The endpoint
 * subscribes to an event type of this run only: other suites on the broker publish real
 * `patient.admitted` events.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { Webhook } from 'standardwebhooks';
import {
  allTopicDefinitions,
  createCloudEvent,
  encodeCloudEvent,
  TOPICS,
  WEBHOOK_ENDPOINT_V1,
  WEBHOOK_REQUESTED_V1,
  webhookSecretAad,
  type WebhookEndpointPayload,
} from '@meridian/contracts';
import { EventProducer, provisionTopics } from '@meridian/kafka';
import {
  createCipherSuite,
  deriveWebhookMessageId,
  generateEncryptionKey,
  generateWebhookSecret,
  parseEncryptionKeys,
} from '@meridian/security';
import {
  committedOffsets,
  eventually,
  getFrom,
  spawnBuiltService,
  testKafka,
  uniqueName,
  type RunningService,
} from '@meridian/testing';

const DISPATCH_GROUP = 'meridian.webhook-dispatcher.dispatch';
const KEYS = `k1:${generateEncryptionKey()}`;
const cipher = createCipherSuite(parseEncryptionKeys(KEYS), 'k1');

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

describe('a webhook retry survives the dispatcher being killed (built service)', () => {
  const run = uniqueName('wh-e2e');
  const endpointId = `${run}.partner`;
  const eventType = `test.${run}.admitted`;
  const secret = generateWebhookSecret();
  const received: Received[] = [];
  const deliveries: Record<string, unknown>[] = [];
  const running: RunningService[] = [];
  /** Set once the first process has exited: until then the partner fails every request. */
  let killed = false;
  let server: Server;
  let kafka: Kafka;
  let admin: Admin;
  let producer: EventProducer;
  let watcher: Consumer;
  let url: string;

  const env = {
    ...process.env,
    LOG_LEVEL: 'warn',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    CREDENTIALS_KEYS: KEYS,
    OUTBOUND_ALLOW_LIST: '127.0.0.1',
    OUTBOUND_ALLOW_HTTP: 'true',
    // Three attempts, 10 s apart: the kill usually comes before the first retry; if it does not,
    // that retry fails too (500) and the next one is the new process's.
    WEBHOOK_RETRY_DELAYS_MS: '10000,10000',
    WEBHOOK_RETRY_JITTER: '0',
  };

  async function startDispatcher(): Promise<RunningService> {
    const service = await spawnBuiltService('webhook-dispatcher', env);
    running.push(service);
    await eventually(
      async () => ((await getFrom(service.port, '/health/ready')).status === 200 ? true : undefined),
      {
        timeoutMs: 90_000,
        what: () => `webhook-dispatcher ready (output: ${service.output.join('').slice(-2000)})`,
      },
    );
    return service;
  }

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let verified = true;
        try {
          new Webhook(secret).verify(body, request.headers as Record<string, string>);
        } catch {
          verified = false;
        }
        received.push({ headers: request.headers, body, verified });
        response.writeHead(killed ? 200 : 500);
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;

    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    producer = new EventProducer(kafka);
    await producer.connect();
    watcher = kafka.consumer({ groupId: uniqueName('wh-e2e-watch'), allowAutoTopicCreation: false });
    await watcher.connect();
    await watcher.subscribe({ topic: TOPICS.webhookDeliveries.name, fromBeginning: true });
    await watcher.run({
      eachMessage: async ({ message }) => {
        const value = JSON.parse(message.value?.toString('utf8') ?? '{}') as Record<string, unknown>;
        if (value.endpointId === endpointId) deliveries.push(value);
      },
    });
    // The endpoint is on the topic before the dispatcher starts, so its view has it once ready.
    const endpoint: WebhookEndpointPayload = {
      endpointId,
      version: 1,
      url,
      eventTypes: [eventType],
      active: true,
      secrets: [
        {
          secretId: 's1',
          sealed: cipher.encrypt(secret, webhookSecretAad(endpointId)),
          createdAt: new Date().toISOString(),
        },
      ],
      updatedAt: new Date().toISOString(),
    };
    await producer.publish(TOPICS.webhookEndpoints.name, [
      {
        key: endpointId,
        event: createCloudEvent({ source: '/meridian/gateway', type: WEBHOOK_ENDPOINT_V1, data: endpoint }),
      },
    ]);
  });

  afterAll(async () => {
    const exits = running
      .filter((service) => service.process.exitCode === null && service.process.signalCode === null)
      .map((service) => {
        const exited = new Promise<void>((resolve) => service.process.once('exit', () => resolve()));
        service.process.kill('SIGTERM');
        return exited;
      });
    await Promise.all(exits);
    const tombstone = encodeCloudEvent(
      createCloudEvent({ source: '/meridian/gateway', type: WEBHOOK_ENDPOINT_V1, data: {} }),
    );
    await producer?.sendRaw(TOPICS.webhookEndpoints.name, [
      { key: endpointId, value: null, headers: tombstone.headers },
    ]);
    await watcher?.disconnect();
    await producer?.disconnect();
    await admin?.disconnect();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers the retry after a restart, once, with the same webhook-id', async () => {
    const first = await startDispatcher();
    const eventId = randomUUID();
    const integrationId = `${run}.integration`;
    await producer.publish(TOPICS.webhooksOutbound.name, [
      {
        key: integrationId,
        event: createCloudEvent({
          source: '/meridian/orchestrator',
          type: WEBHOOK_REQUESTED_V1,
          integrationid: integrationId,
          data: {
            eventId,
            integrationId,
            type: eventType,
            timestamp: new Date().toISOString(),
            data: { patient: { reference: 'Patient/123' } },
          },
        }),
      },
    ]);

    await eventually(() => (deliveries.length >= 1 ? true : undefined), {
      timeoutMs: 60_000,
      what: () => `the first attempt (output: ${first.output.join('').slice(-2000)})`,
    });
    expect(deliveries[0]).toMatchObject({ attempt: 1, outcome: 'failed', statusCode: 500 });
    // Kill it once the first attempt's record is committed (the retry waits in its tier, not in memory).
    await eventually(
      async () => {
        const ends = await admin.fetchTopicOffsets(TOPICS.webhookDispatch.name);
        const committed = await committedOffsets(admin, DISPATCH_GROUP, TOPICS.webhookDispatch.name);
        return ends.every((p) => committed[p.partition] === p.high || p.high === p.low) ? true : undefined;
      },
      { what: 'the first attempt committed' },
    );
    const exited = new Promise<void>((resolve) => first.process.once('exit', () => resolve()));
    first.process.kill('SIGKILL');
    await exited;
    const beforeKill = received.length;
    killed = true;

    await startDispatcher();
    await eventually(() => (deliveries.some((d) => d.outcome === 'delivered') ? true : undefined), {
      timeoutMs: 90_000,
      what: 'the retry delivered by the new process',
    });
    const webhookId = deriveWebhookMessageId(eventId, endpointId);
    // Attempts 1.. failed in the killed process, then one retry by the new process, delivered once.
    const outcomes = deliveries.map((d) => [d.attempt, d.outcome]);
    expect(outcomes).toEqual([
      ...Array.from({ length: beforeKill }, (_, i) => [i + 1, 'failed']),
      [beforeKill + 1, 'delivered'],
    ]);
    expect(beforeKill).toBeLessThan(3);
    expect(received).toHaveLength(beforeKill + 1);
    expect(received.map((r) => r.headers['webhook-id'])).toEqual(Array(beforeKill + 1).fill(webhookId));
    expect(received.every((r) => r.verified)).toBe(true);
  });
});
