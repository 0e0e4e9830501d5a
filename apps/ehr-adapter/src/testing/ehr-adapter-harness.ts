import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import {
  allTopicDefinitions,
  createCloudEvent,
  EHR_PULL_V1,
  type EhrPullPayload,
  encodeCloudEvent,
  FHIR_BUNDLE_V1,
  headersToStrings,
  INTEGRATION_CONFIG_V1,
  type IntegrationConfigPayload,
  TOPICS,
} from '@meridian/contracts';
import { EventProducer, provisionTopics } from '@meridian/kafka';
import { IntegrationConfigView, startService } from '@meridian/platform';
import { createCipherSuite, generateEncryptionKey, parseEncryptionKeys } from '@meridian/security';
import { eventually, testKafka, uniqueName } from '@meridian/testing';
import { ehrAdapterService } from '../app.module';
import { credentialsAad } from '../clients/ehr-clients';

/** For the adapter's integration tests only: the adapter in-process, and Kafka around it. */

export const CREDENTIALS_KEYS = `k1:${generateEncryptionKey()}`;
const cipher = createCipherSuite(parseEncryptionKeys(CREDENTIALS_KEYS), 'k1');

/** Seals secrets for an integration as the gateway does. */
export const seal = (integrationId: string, secrets: object, suite = cipher): string =>
  suite.encrypt(secrets, credentialsAad(integrationId));

export interface WatchedRecord {
  topic: string;
  key: string | null;
  headers: Record<string, string>;
  value: unknown;
}

export interface Harness {
  kafka: Kafka;
  admin: Admin;
  adapter: INestApplication;
  /** Every record on the results, lifecycle and DLQ topics of this run's integrations, as they arrive. */
  records: WatchedRecord[];
  /** A fresh integration id of this run (the watcher keeps its records). */
  integrationId(label: string): string;
  publishConfig(config: IntegrationConfigPayload): Promise<void>;
  /** Resolves once the adapter's view holds this version. */
  awaitConfig(integrationId: string, version: number): Promise<void>;
  publishCommand(command: {
    integrationId: string;
    key: string;
    bundle: object;
    id?: string;
    correlationId?: string;
  }): Promise<string>;
  /** A pull command (`org.meridian.ehr.pull.v1`), keyed by integration; resolves to its ce_id. */
  publishPull(pull: EhrPullPayload): Promise<string>;
  /** Records on `topic` about `integrationId`. */
  about(topic: string, integrationId: string): WatchedRecord[];
  close(): Promise<void>;
}

const WATCHED = [
  TOPICS.ehrResults.name,
  TOPICS.integrationEvents.name,
  TOPICS.fhirInbound.name,
  `${TOPICS.ehrCommands.name}.dlq`,
];

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, allTopicDefinitions());
  const run = uniqueName('ehr-test');
  const records: WatchedRecord[] = [];
  const watcher: Consumer = kafka.consumer({
    groupId: uniqueName('ehr-test-watch'),
    allowAutoTopicCreation: false,
  });
  await watcher.connect();
  for (const topic of WATCHED) await watcher.subscribe({ topic, fromBeginning: true });
  await watcher.run({
    eachMessage: async ({ topic, message }) => {
      const headers = headersToStrings(message.headers);
      if (!headers.ce_integrationid?.startsWith(run)) return;
      const text = message.value?.toString('utf8') ?? '';
      records.push({
        topic,
        key: message.key?.toString('utf8') ?? null,
        headers,
        value: text === '' ? null : (JSON.parse(text) as unknown),
      });
    },
  });
  const producer = new EventProducer(kafka);
  await producer.connect();
  const { app: adapter } = await startService(ehrAdapterService, {
    env: {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'error',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      CREDENTIALS_KEYS,
      OUTBOUND_ALLOW_LIST: '127.0.0.1',
      OUTBOUND_ALLOW_HTTP: 'true',
      ...env,
    },
    handleSignals: false,
  });
  const view = adapter.get(IntegrationConfigView);
  const configured = new Set<string>();
  return {
    kafka,
    admin,
    adapter,
    records,
    integrationId: (label) => `${run}.${label}`,
    publishConfig: (config) => {
      configured.add(config.integrationId);
      return producer.publish(TOPICS.integrationConfig.name, [
        {
          key: config.integrationId,
          event: createCloudEvent({
            source: '/meridian/gateway',
            type: INTEGRATION_CONFIG_V1,
            integrationid: config.integrationId,
            data: config,
          }),
        },
      ]);
    },
    awaitConfig: async (integrationId, version) => {
      await eventually(() => (view.get(integrationId)?.version === version ? true : undefined), {
        what: `version ${version} of ${integrationId} in the adapter's view`,
      });
    },
    publishCommand: async ({ integrationId, key, bundle, id = randomUUID(), correlationId }) => {
      await producer.publish(TOPICS.ehrCommands.name, [
        {
          key,
          event: createCloudEvent({
            id,
            source: '/meridian/orchestrator',
            type: FHIR_BUNDLE_V1,
            integrationid: integrationId,
            correlationid: correlationId ?? randomUUID(),
            data: bundle,
          }),
        },
      ]);
      return id;
    },
    publishPull: async (pull) => {
      const id = randomUUID();
      await producer.publish(TOPICS.ehrCommands.name, [
        {
          key: pull.integrationId,
          event: createCloudEvent({
            id,
            source: '/meridian/orchestrator',
            type: EHR_PULL_V1,
            integrationid: pull.integrationId,
            correlationid: pull.jobId,
            data: pull,
          }),
        },
      ]);
      return id;
    },
    about: (topic, integrationId) =>
      records.filter((record) => record.topic === topic && record.headers.ce_integrationid === integrationId),
    close: async () => {
      // Delete this run's integrations: commands left on the shared topic for its fake servers then go
      // to the DLQ at once in any later adapter, instead of holding a partition behind a dead endpoint.
      const tombstone = encodeCloudEvent(
        createCloudEvent({ source: '/meridian/gateway', type: INTEGRATION_CONFIG_V1, data: {} }),
      );
      await producer.sendRaw(
        TOPICS.integrationConfig.name,
        [...configured].map((id) => ({ key: id, value: null, headers: tombstone.headers })),
      );
      await adapter.close();
      await producer.disconnect();
      await watcher.disconnect();
      await admin.disconnect();
    },
  };
}

/** A valid FHIR integration; tests override what they need. */
export function fhirIntegration(
  integrationId: string,
  overrides: Omit<Partial<IntegrationConfigPayload>, 'connection'> & {
    endpoint: string;
    connection?: Partial<IntegrationConfigPayload['connection']>;
  },
): IntegrationConfigPayload {
  const { endpoint, connection, ...rest } = overrides;
  return {
    integrationId,
    version: 1,
    facility: 'GOODHEALTH',
    systemType: 'ehr',
    systemName: 'Test EHR',
    active: true,
    updatedAt: new Date().toISOString(),
    connection: {
      type: 'fhir',
      endpoint,
      authentication: { type: 'none' },
      timeout: 10_000,
      retryPolicy: { maxAttempts: 2, backoff: 'exponential', base: 50 },
      ...connection,
    },
    synchronization: {
      enabled: true,
      direction: 'outbound',
      frequency: 'real_time',
      conflictResolution: 'source_wins',
    },
    ...rest,
  } as IntegrationConfigPayload;
}

/** A one-entry transaction: the patient with this identifier, by conditional update. */
export function patientBundle(system: string, value: string): object {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: `urn:uuid:${randomUUID()}`,
        resource: { resourceType: 'Patient', identifier: [{ system, value }], active: true },
        request: { method: 'PUT', url: `Patient?identifier=${system}|${value}` },
      },
    ],
  };
}

/** The payload of a watched record. */
export const valueOf = <T>(record: WatchedRecord): T => record.value as T;
