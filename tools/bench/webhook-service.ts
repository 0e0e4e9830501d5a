/**
 * The webhook dispatcher as a service: events published to webhooks.outbound.v1 → the built
 * dispatcher process (fan-out, a message row and a dispatch record each, the dispatch consumer, the
 * signed attempt, the delivery record) → a local receiver. Deliveries per second from the first
 * event published to the last request received. Needs `npm run build`, a broker (KAFKA_BROKERS, else
 * one of its own) and Postgres (DATABASE_URL, else the local server; a database of its own, dropped).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  allTopicDefinitions,
  createCloudEvent,
  TOPICS,
  WEBHOOK_ENDPOINT_V1,
  WEBHOOK_REQUESTED_V1,
  webhookSecretAad,
  type WebhookEndpointPayload,
  type WebhookRequestedPayload,
} from '@meridian/contracts';
import { createKafkaClient, EventProducer, provisionTopics } from '@meridian/kafka';
import {
  createCipherSuite,
  generateEncryptionKey,
  generateWebhookSecret,
  parseEncryptionKeys,
} from '@meridian/security';
import {
  createRunDatabase,
  findPostgres,
  getFrom,
  runLauncher,
  spawnBuiltService,
  startLocalBroker,
} from '@meridian/testing';

const EVENTS = Number(process.env.BENCH_SERVICE_EVENTS ?? 2_000);
/**
 * Partner endpoints, each subscribed to a type of its own. One endpoint's deliveries are sequential
 * (it receives its webhooks in order), so a single endpoint measures latency, several throughput.
 */
const ENDPOINTS = Number(process.env.BENCH_SERVICE_ENDPOINTS ?? 8);

export interface ServiceResult {
  events: number;
  endpoints: number;
  seconds: number;
  perSecond: number;
}

export async function measureService(body: (n: number) => object): Promise<ServiceResult> {
  const state = path.join(process.cwd(), '.cache/kafka/bench-webhooks.json');
  let brokers = process.env.KAFKA_BROKERS;
  const ownBroker = !brokers;
  if (!brokers) brokers = await startLocalBroker(['--state', state]);
  const postgres = await findPostgres();
  const database = await createRunDatabase(postgres.value, `meridian_bench_${Date.now()}`);
  const kafka = createKafkaClient({ brokers: brokers.split(','), clientId: 'bench-webhooks' });
  const admin = kafka.admin();
  const producer = new EventProducer(kafka);
  let received = 0;
  let finished: () => void = () => undefined;
  const allReceived = new Promise<void>((resolve) => (finished = resolve));
  const receiver = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(204);
      response.end();
      if (++received === EVENTS) finished();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const keys = `k1:${generateEncryptionKey()}`;
  const cipher = createCipherSuite(parseEncryptionKeys(keys), 'k1');
  const run = randomUUID().slice(0, 8);
  const typeOf = (n: number) => `bench.${run}.e${n % ENDPOINTS}`;
  let dispatcher: Awaited<ReturnType<typeof spawnBuiltService>> | undefined;
  try {
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    await producer.connect();
    // On the topic before the dispatcher starts, so its view holds them once it is ready.
    await producer.publish(
      TOPICS.webhookEndpoints.name,
      Array.from({ length: ENDPOINTS }, (_item, n) => {
        const endpointId = `bench-${run}-${n}`;
        const endpoint: WebhookEndpointPayload = {
          endpointId,
          version: 1,
          url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/${n}`,
          eventTypes: [typeOf(n)],
          active: true,
          secrets: [
            {
              secretId: 's1',
              sealed: cipher.encrypt(generateWebhookSecret(), webhookSecretAad(endpointId)),
              createdAt: new Date().toISOString(),
            },
          ],
          updatedAt: new Date().toISOString(),
        };
        return {
          key: endpointId,
          event: createCloudEvent({ source: '/meridian/gateway', type: WEBHOOK_ENDPOINT_V1, data: endpoint }),
        };
      }),
    );
    const running = await spawnBuiltService('webhook-dispatcher', {
      ...process.env,
      KAFKA_BROKERS: brokers,
      DATABASE_URL: database.url,
      LOG_LEVEL: 'warn',
      CREDENTIALS_KEYS: keys,
      OUTBOUND_ALLOW_LIST: '127.0.0.1',
      OUTBOUND_ALLOW_HTTP: 'true',
    });
    dispatcher = running;
    for (
      let attempt = 0;
      (await getFrom(running.port, '/health/ready').catch(() => ({ status: 0 }))).status !== 200;
      attempt++
    ) {
      if (attempt > 180) throw new Error(`dispatcher not ready: ${running.output.join('').slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const started = process.hrtime.bigint();
    for (let offset = 0; offset < EVENTS; offset += 500) {
      await producer.publish(
        TOPICS.webhooksOutbound.name,
        Array.from({ length: Math.min(500, EVENTS - offset) }, (_item, index) => {
          const data: WebhookRequestedPayload = {
            eventId: randomUUID(),
            // Spread over integrations (the topic's key), so every partition carries work.
            integrationId: `bench-${(offset + index) % 12}`,
            type: typeOf(offset + index),
            timestamp: new Date().toISOString(),
            data: body(offset + index) as Record<string, unknown>,
          };
          return {
            key: data.integrationId as string,
            event: createCloudEvent({ source: '/meridian/orchestrator', type: WEBHOOK_REQUESTED_V1, data }),
          };
        }),
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${received} of ${EVENTS} deliveries in 5 minutes`)),
        300_000,
      );
    });
    await Promise.race([allReceived, timeout]).finally(() => clearTimeout(timer));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { events: EVENTS, endpoints: ENDPOINTS, seconds, perSecond: EVENTS / seconds };
  } finally {
    if (dispatcher) {
      const child = dispatcher.process;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await database.drop();
    await postgres.stop();
    if (ownBroker) await runLauncher(['stop', '--state', state]);
  }
}
