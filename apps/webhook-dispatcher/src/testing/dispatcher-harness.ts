import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import {
  allTopicDefinitions,
  createCloudEvent,
  dlqTopicName,
  encodeCloudEvent,
  headersToStrings,
  TOPICS,
  WEBHOOK_COMMAND_V1,
  WEBHOOK_ENDPOINT_V1,
  WEBHOOK_REQUESTED_V1,
  webhookSecretAad,
  type WebhookCommandPayload,
  type WebhookEndpointPayload,
  type WebhookRequestedPayload,
} from '@meridian/contracts';
import { EventProducer, provisionTopics } from '@meridian/kafka';
import { startService } from '@meridian/platform';
import {
  createCipherSuite,
  generateEncryptionKey,
  generateWebhookSecret,
  parseEncryptionKeys,
} from '@meridian/security';
import { eventually, testKafka, uniqueName } from '@meridian/testing';
import { webhookDispatcherService } from '../app.module';
import { WebhookEndpointView } from '../endpoints/webhook-endpoint.view';

/** For the dispatcher's integration and end-to-end tests only: Kafka around a dispatcher, as the gateway would drive it. */

export const CREDENTIALS_KEYS = `k1:${generateEncryptionKey()}`;
const cipher = createCipherSuite(parseEncryptionKeys(CREDENTIALS_KEYS), 'k1');

/** Seals an endpoint's secret as the gateway does. */
export const sealSecret = (endpointId: string, secret: string): string =>
  cipher.encrypt(secret, webhookSecretAad(endpointId));

export interface WatchedRecord {
  topic: string;
  key: string | null;
  headers: Record<string, string>;
  value: Record<string, unknown> | null;
}

const WATCHED = [
  TOPICS.webhookDeliveries.name,
  TOPICS.integrationEvents.name,
  dlqTopicName(TOPICS.webhookDispatch.name),
  dlqTopicName(TOPICS.webhookCommands.name),
];

/** Kafka for a test: the topics, a producer publishing as the gateway and the orchestrator, a watcher. */
export class WebhookTestKafka {
  readonly kafka: Kafka = testKafka();
  readonly admin: Admin = this.kafka.admin();
  readonly producer = new EventProducer(this.kafka);
  /** Every record on the watched topics about this run's endpoints, as they arrive. */
  readonly records: WatchedRecord[] = [];
  readonly run = uniqueName('wh');
  private readonly watcher: Consumer = this.kafka.consumer({
    groupId: uniqueName('wh-test-watch'),
    allowAutoTopicCreation: false,
  });
  private readonly published = new Set<string>();

  async start(): Promise<void> {
    await this.admin.connect();
    await provisionTopics(this.admin, allTopicDefinitions());
    await this.producer.connect();
    await this.watcher.connect();
    await this.watcher.subscribe({ topics: WATCHED, fromBeginning: true });
    await this.watcher.run({
      eachMessage: async ({ topic, message }) => {
        const key = message.key?.toString('utf8') ?? null;
        const text = message.value?.toString('utf8') ?? '';
        let value: Record<string, unknown> | null = null;
        try {
          value = text === '' ? null : (JSON.parse(text) as Record<string, unknown>);
        } catch {
          return; // Not ours: DLQs also hold records that are not JSON.
        }
        const mine =
          key?.includes(this.run) ||
          String(value?.endpointId ?? '').includes(this.run) ||
          String(value?.integrationId ?? '').includes(this.run);
        if (mine) this.records.push({ topic, key, headers: headersToStrings(message.headers), value });
      },
    });
  }

  /** A fresh id of this run (the watcher keeps its records). */
  id(label: string): string {
    return `${this.run}.${label}`;
  }

  /**
   * An event type of this run only (`test.<run>.<label>`). Other suites on the same broker publish
   * real `patient.admitted` events; an endpoint subscribed to a shared type would receive them too.
   */
  type(label = 'admitted'): string {
    return `test.${this.run}.${label}`;
  }

  /** An endpoint as the gateway announces it; `secrets` newest first, plain (sealed here). */
  endpoint(
    endpointId: string,
    url: string,
    secrets: { secret: string; expiresAt?: string }[] = [{ secret: generateWebhookSecret() }],
    overrides: Partial<WebhookEndpointPayload> = {},
  ): WebhookEndpointPayload {
    return {
      endpointId,
      version: 1,
      url,
      eventTypes: ['*'],
      active: true,
      secrets: secrets.map(({ secret, expiresAt }, index) => ({
        secretId: `s${secrets.length - index}`,
        sealed: sealSecret(endpointId, secret),
        createdAt: new Date().toISOString(),
        ...(expiresAt ? { expiresAt } : {}),
      })),
      updatedAt: new Date().toISOString(),
      ...overrides,
    };
  }

  async publishEndpoint(endpoint: WebhookEndpointPayload): Promise<void> {
    this.published.add(endpoint.endpointId);
    await this.producer.publish(TOPICS.webhookEndpoints.name, [
      {
        key: endpoint.endpointId,
        event: createCloudEvent({ source: '/meridian/gateway', type: WEBHOOK_ENDPOINT_V1, data: endpoint }),
      },
    ]);
  }

  /** Publishes an event to announce; returns it. */
  async publishEvent(overrides: Partial<WebhookRequestedPayload> = {}): Promise<WebhookRequestedPayload> {
    const requested: WebhookRequestedPayload = {
      eventId: randomUUID(),
      integrationId: this.id('integration'),
      type: this.type(),
      timestamp: new Date().toISOString(),
      data: { patient: { reference: `Patient/${randomUUID()}` } },
      ...overrides,
    };
    await this.producer.publish(TOPICS.webhooksOutbound.name, [
      {
        key: requested.integrationId ?? requested.type,
        event: createCloudEvent({
          source: '/meridian/orchestrator',
          type: WEBHOOK_REQUESTED_V1,
          integrationid: requested.integrationId,
          data: requested,
        }),
      },
    ]);
    return requested;
  }

  async publishCommand(command: Omit<WebhookCommandPayload, 'commandId' | 'requestedAt'>): Promise<void> {
    await this.producer.publish(TOPICS.webhookCommands.name, [
      {
        key: command.endpointId,
        event: createCloudEvent({
          source: '/meridian/gateway',
          type: WEBHOOK_COMMAND_V1,
          data: { commandId: randomUUID(), requestedAt: new Date().toISOString(), ...command },
        }),
      },
    ]);
  }

  /** Delivery records of an endpoint, in arrival order. */
  deliveries(endpointId: string): Record<string, unknown>[] {
    return this.records
      .filter((r) => r.topic === TOPICS.webhookDeliveries.name && r.value?.endpointId === endpointId)
      .map((r) => r.value as Record<string, unknown>);
  }

  async waitForDeliveries(
    endpointId: string,
    count: number,
    timeoutMs = 30_000,
  ): Promise<Record<string, unknown>[]> {
    return eventually(
      () => {
        const found = this.deliveries(endpointId);
        return found.length >= count ? found : undefined;
      },
      {
        timeoutMs,
        what: () => `${count} delivery records of ${endpointId} (have ${this.deliveries(endpointId).length})`,
      },
    );
  }

  /** Deletes this run's endpoints (tombstones), so no later dispatcher keeps sending to their dead ports. */
  async close(): Promise<void> {
    const tombstone = encodeCloudEvent(
      createCloudEvent({ source: '/meridian/gateway', type: WEBHOOK_ENDPOINT_V1, data: {} }),
    );
    if (this.published.size > 0) {
      await this.producer.sendRaw(
        TOPICS.webhookEndpoints.name,
        [...this.published].map((id) => ({ key: id, value: null, headers: tombstone.headers })),
      );
    }
    await this.watcher.disconnect();
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}

/** The dispatcher's environment for tests: the keys, loopback allowed over http, and `env` on top. */
export function dispatcherEnv(env: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    ...process.env,
    LOG_LEVEL: 'error',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    CREDENTIALS_KEYS,
    OUTBOUND_ALLOW_LIST: '127.0.0.1',
    OUTBOUND_ALLOW_HTTP: 'true',
    ...env,
  };
}

/** The dispatcher in this process. */
export async function startDispatcher(env: Record<string, string> = {}): Promise<INestApplication> {
  const { app } = await startService(webhookDispatcherService, {
    env: { ...dispatcherEnv(env), PORT: '0' },
    handleSignals: false,
  });
  return app;
}

/** Resolves once the dispatcher's view holds this version of the endpoint. */
export async function awaitEndpoint(
  app: INestApplication,
  endpointId: string,
  version: number,
): Promise<void> {
  const view = app.get(WebhookEndpointView);
  await eventually(() => (view.get(endpointId)?.version === version ? true : undefined), {
    what: `version ${version} of ${endpointId} in the dispatcher's view`,
  });
}
