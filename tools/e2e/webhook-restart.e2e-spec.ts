/**
 * End to end, as a partner sees it: the built webhook-dispatcher process delivers to a real HTTP
 * receiver that verifies every request with the public `standardwebhooks` library. The first attempt
 * fails (500); the dispatcher is killed (SIGKILL) while the retry waits in its retry tier; a new
 * process picks the retry up from Kafka and delivers it, with the same webhook-id.
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
  const secret = generateWebhookSecret();
  const received: Received[] = [];
  const deliveries: Record<string, unknown>[] = [];
  const running: RunningService[] = [];
  const statuses = [500, 200];
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
    // The retry is due 8 s after the first attempt: time enough to kill the process before it.
    WEBHOOK_RETRY_DELAYS_MS: '8000',
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
        response.writeHead(statuses.length > 1 ? (statuses.shift() as number) : statuses[0]);
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
      eventTypes: ['patient.admitted'],
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
            type: 'patient.admitted',
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
    // Killed before the retry was due: no second request yet.
    expect(received).toHaveLength(1);

    await startDispatcher();
    await eventually(() => (deliveries.some((d) => d.outcome === 'delivered') ? true : undefined), {
      timeoutMs: 90_000,
      what: 'the retry delivered by the new process',
    });
    const webhookId = deriveWebhookMessageId(eventId, endpointId);
    expect(deliveries.map((d) => [d.attempt, d.outcome])).toEqual([
      [1, 'failed'],
      [2, 'delivered'],
    ]);
    expect(received.map((r) => r.headers['webhook-id'])).toEqual([webhookId, webhookId]);
    expect(received.every((r) => r.verified)).toBe(true);
  });
});
