import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import {
  allTopicDefinitions,
  CE,
  COMMAND_RESULT_V1,
  createCloudEvent,
  FHIR_BUNDLE_V1,
  INTEGRATION_CONFIG_V1,
  type IntegrationConfigPayload,
  TOPICS,
} from '@meridian/contracts';
import { EventProducer, provisionTopics, readTopic, type StoredRecord } from '@meridian/kafka';
import { IntegrationConfigView, startService } from '@meridian/platform';
import { eventually, testKafka } from '@meridian/testing';
import { orchestratorService } from '../app.module';

const facility = `FAC${randomUUID().slice(0, 8).toUpperCase()}`;

function config(overrides: Partial<IntegrationConfigPayload> = {}): IntegrationConfigPayload {
  return {
    integrationId: randomUUID(),
    version: 1,
    facility,
    systemType: 'ehr',
    systemName: 'EHR',
    connection: {
      type: 'fhir',
      endpoint: 'https://ehr.example/fhir',
      authentication: { type: 'none' },
      timeout: 5000,
      retryPolicy: { maxAttempts: 3, backoff: 'exponential', base: 200 },
    },
    synchronization: {
      enabled: true,
      direction: 'outbound',
      frequency: 'real_time',
      conflictResolution: 'source_wins',
    },
    active: true,
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
}

describe('orchestrator routing (real broker)', () => {
  let app: INestApplication;
  let kafka: Kafka;
  let admin: Admin;
  let producer: EventProducer;

  const ehr = config({
    systemName: 'takes patients',
    synchronization: {
      enabled: true,
      direction: 'bidirectional',
      frequency: 'real_time',
      conflictResolution: 'manual',
      resourceTypes: ['Patient'],
    },
  });
  const others = [
    config({ systemName: 'other facility', facility: 'ELSEWHERE' }),
    config({
      systemName: 'inbound only',
      synchronization: {
        enabled: true,
        direction: 'inbound',
        frequency: 'real_time',
        conflictResolution: 'source_wins',
      },
    }),
    config({ systemName: 'inactive', active: false }),
    config({
      systemName: 'appointments only',
      synchronization: {
        enabled: true,
        direction: 'outbound',
        frequency: 'real_time',
        conflictResolution: 'source_wins',
        resourceTypes: ['Appointment'],
      },
    }),
    config({ systemName: 'no adapter yet', systemType: 'pms' }),
  ];

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    producer = new EventProducer(kafka);
    await producer.connect();
    await producer.publish(
      TOPICS.integrationConfig.name,
      [ehr, ...others].map((payload) => ({
        key: payload.integrationId,
        event: createCloudEvent({
          source: '/meridian/gateway',
          type: INTEGRATION_CONFIG_V1,
          integrationid: payload.integrationId,
          data: payload,
        }),
      })),
    );
    ({ app } = await startService(orchestratorService, {
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'error', KAFKA_SESSION_TIMEOUT_MS: '6000' },
      handleSignals: false,
    }));
    await app.get(IntegrationConfigView).loaded;
  });

  afterAll(async () => {
    await app?.close();
    await producer?.disconnect();
    await admin?.disconnect();
  });

  const records = async (topic: string, predicate: (r: StoredRecord) => boolean): Promise<StoredRecord[]> =>
    (await eventually(() => readTopic(kafka, admin, topic), { what: topic })).filter(predicate);

  it('sends a bundle only to the integrations that take it, and logs the steps', async () => {
    const mrn = `MRN-${randomUUID().slice(0, 8)}`;
    const bundle = createCloudEvent({
      source: '/meridian/transformer',
      type: FHIR_BUNDLE_V1,
      correlationid: randomUUID(),
      data: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: `urn:uuid:${randomUUID()}`,
            resource: { resourceType: 'Patient', identifier: [{ system: 'urn:test', value: mrn }] },
            request: { method: 'PUT', url: `Patient?identifier=urn:test|${mrn}` },
          },
        ],
      },
    });
    await producer.publish(TOPICS.fhirInbound.name, [
      { key: `hl7:${facility}|urn:test|${mrn}`, event: bundle },
    ]);

    const [command] = await eventually(
      async () => {
        const found = await records(
          TOPICS.ehrCommands.name,
          (r) => r.message.headers?.[CE.causationId]?.toString() === bundle.id,
        );
        return found.length > 0 ? found : undefined;
      },
      { what: 'the command' },
    );
    expect(command.message.headers?.[CE.integrationId]?.toString()).toBe(ehr.integrationId);
    expect(command.message.key?.toString()).toBe(`${ehr.integrationId}|Patient/urn:test|${mrn}`);
    expect(command.message.headers?.[CE.correlationId]?.toString()).toBe(bundle.correlationid);
    expect(JSON.parse(command.message.value?.toString() ?? '{}')).toEqual(bundle.data);

    const pending = await eventually(
      async () => {
        const found = await records(
          TOPICS.integrationEvents.name,
          (r) => r.message.headers?.[CE.causationId]?.toString() === bundle.id,
        );
        return found.length > 0 ? found : undefined;
      },
      { what: 'the route step' },
    );
    expect(pending.map((r) => JSON.parse(r.message.value?.toString() ?? '{}'))).toEqual([
      {
        integrationId: ehr.integrationId,
        correlationId: bundle.correlationid,
        status: 'pending',
        step: 'orchestrator.route',
        attempt: 1,
      },
    ]);
    // Exactly one command for this bundle: no other integration took it.
    expect(
      await records(
        TOPICS.ehrCommands.name,
        (r) => r.message.headers?.[CE.causationId]?.toString() === bundle.id,
      ),
    ).toHaveLength(1);

    const commandId = command.message.headers?.[CE.id]?.toString() ?? '';
    const result = createCloudEvent({
      source: '/meridian/ehr-adapter',
      type: COMMAND_RESULT_V1,
      correlationid: bundle.correlationid,
      causationid: commandId,
      integrationid: ehr.integrationId,
      data: {
        commandId,
        integrationId: ehr.integrationId,
        outcome: 'succeeded',
        references: ['Patient/1'],
        statusCode: 200,
        durationMs: 12,
      },
    });
    await producer.publish(TOPICS.ehrResults.name, [
      { key: command.message.key?.toString() ?? '', event: result },
    ]);
    const [completed] = await eventually(
      async () => {
        const found = await records(
          TOPICS.integrationEvents.name,
          (r) => r.message.headers?.[CE.causationId]?.toString() === result.id,
        );
        return found.length > 0 ? found : undefined;
      },
      { what: 'the completion step' },
    );
    expect(JSON.parse(completed.message.value?.toString() ?? '{}')).toMatchObject({
      status: 'completed',
      step: 'orchestrator.complete',
      durationMs: 12,
    });
  });

  it('announces what happened to partners, once per inbound event', async () => {
    const mrn = `MRN-${randomUUID().slice(0, 8)}`;
    const admission = createCloudEvent({
      source: '/meridian/transformer',
      type: FHIR_BUNDLE_V1,
      correlationid: randomUUID(),
      data: {
        resourceType: 'Bundle',
        type: 'transaction',
        timestamp: '2026-11-25T08:30:00Z',
        entry: [
          {
            resource: {
              resourceType: 'Patient',
              identifier: [{ system: 'urn:test', value: mrn }],
              name: [{ family: 'Everyman' }],
            },
            request: { method: 'PUT', url: `Patient?identifier=urn:test|${mrn}` },
          },
          {
            resource: {
              resourceType: 'Provenance',
              activity: {
                coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0003', code: 'A01' }],
              },
            },
            request: { method: 'PUT', url: `Provenance/${randomUUID()}` },
          },
        ],
      },
    });
    const record = { key: `hl7:${facility}|urn:test|${mrn}`, event: admission };
    // Twice, as a redelivery would: one event id.
    await producer.publish(TOPICS.fhirInbound.name, [record, record]);
    const announced = await eventually(
      async () => {
        const found = await records(
          TOPICS.webhooksOutbound.name,
          (r) => r.message.headers?.[CE.causationId]?.toString() === admission.id,
        );
        return found.length === 2 ? found : undefined;
      },
      { what: 'the partner events' },
    );
    const [first, second] = announced.map((r) => JSON.parse(r.message.value?.toString() ?? '{}'));
    expect(first).toEqual({
      eventId: expect.any(String),
      type: 'patient.admitted',
      timestamp: '2026-11-25T08:30:00Z',
      data: { trigger: 'A01', patient: { system: 'urn:test', value: mrn } },
    });
    expect(second.eventId).toBe(first.eventId);
    expect(JSON.stringify(first)).not.toContain('Everyman');
  });
});
