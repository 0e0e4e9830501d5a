/**
 * End to end, as a hospital sees it: an MLLP client → the built gateway process → hl7.v2.inbound.v1
 * → the built transformer process → fhir.r4.inbound.v1 (or the DLQ), on the run's broker and database.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import {
  allTopicDefinitions,
  CE,
  DLQ_HEADERS,
  dlqTopicName,
  FHIR_BUNDLE_V1,
  TOPICS,
} from '@meridian/contracts';
import { provisionTopics, readTopic, type StoredRecord } from '@meridian/kafka';
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

// Synthetic patients; each test run uses fresh identifiers so runs on the same broker never collide.
const adt = (controlId: string, mrn: string, pid3 = `${mrn}^^^GOODHEALTH^MR`): string =>
  [
    `MSH|^~\\&|ADT1|GOODHEALTH|MERIDIAN|MERIDIAN|20260315083000-0500||ADT^A01^ADT_A01|${controlId}|P|2.5.1`,
    'EVN|A01|20260315083000-0500',
    `PID|1||${pid3}||O\\S\\BRIEN^MARY^ANN||19750704|F|||12 ELM ST^^SPRINGFIELD^IL^62701^USA||^PRN^PH^^1^217^5550123`,
    `PV1|1|I|4W^401^A^GOODHEALTH||||1234^SMITH^ADAM^^^DR|||MED||||1|||1234^SMITH^ADAM^^^DR|IN|V-${controlId}|||||||||||||||||||||||||20260315083000-0500`,
    'ZPD|1|LOYALTY-GOLD',
  ].join('\r') + '\r';

const unique = (prefix: string): string => `${prefix}${randomUUID().replace(/-/g, '').slice(0, 16)}`;

describe('HL7 v2 over MLLP to FHIR on the canonical topic (built services)', () => {
  const services: RunningService[] = [];
  let mllpPort: number;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    mllpPort = await freePort();
    const env = { ...process.env, LOG_LEVEL: 'warn', KAFKA_SESSION_TIMEOUT_MS: '6000' };
    services.push(
      ...(await startBuiltServices(['gateway', 'transformer'], env, {
        gateway: { MLLP_PORT: String(mllpPort) },
      })),
    );
  });

  afterAll(async () => {
    await stopBuiltServices(services);
    await admin?.disconnect();
  });

  const recordsOn = async (topic: string, needle: string): Promise<StoredRecord[]> =>
    (await eventually(() => readTopic(kafka, admin, topic), { what: topic })).filter((r) =>
      r.message.value?.toString().includes(needle),
    );

  it('turns an admission into one FHIR transaction bundle, once, however often it is sent', async () => {
    const controlId = unique('C');
    const mrn = unique('MRN');
    const client = await MllpClient.connect(mllpPort);
    expect(readAck(await client.request(adt(controlId, mrn)))).toEqual({ code: 'AA', controlId });

    const [bundleRecord] = await eventually(
      async () => {
        const found = await recordsOn(TOPICS.fhirInbound.name, mrn);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 60_000, what: 'the bundle on fhir.r4.inbound.v1' },
    );
    const headers = bundleRecord.message.headers ?? {};
    expect(headers[CE.type]?.toString()).toBe(FHIR_BUNDLE_V1);
    expect(headers[CE.source]?.toString()).toBe('/meridian/transformer');
    expect(headers['content-type']?.toString()).toBe('application/fhir+json');
    const bundle = JSON.parse(bundleRecord.message.value?.toString() ?? '{}') as fhir4.Bundle;
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'transaction' });
    const types = (bundle.entry ?? []).map((e) => e.resource?.resourceType);
    expect(types).toEqual(expect.arrayContaining(['Patient', 'Encounter', 'Provenance']));
    const patient = bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')
      ?.resource as fhir4.Patient;
    expect(patient.identifier?.map((i) => i.value)).toContain(mrn);
    expect(patient.name?.[0]).toMatchObject({ family: 'O^BRIEN', given: ['MARY', 'ANN'] });
    expect(patient.birthDate).toBe('1975-07-04');
    expect(bundleRecord.message.key?.toString()).toMatch(new RegExp(`^hl7:GOODHEALTH\\|[^|]*\\|${mrn}$`));

    // The same message again: acknowledged, not published again, so no second bundle.
    expect(readAck(await client.request(adt(controlId, mrn))).code).toBe('AA');
    client.close();
    expect(await recordsOn(TOPICS.hl7Inbound.name, controlId)).toHaveLength(1);
    const later = unique('C');
    const sentinel = unique('MRN');
    // A later message through the same pipe proves the pipeline moved past the duplicate.
    const again = await MllpClient.connect(mllpPort);
    expect(readAck(await again.request(adt(later, sentinel))).code).toBe('AA');
    again.close();
    await eventually(
      async () => ((await recordsOn(TOPICS.fhirInbound.name, sentinel)).length > 0 ? true : undefined),
      {
        timeoutMs: 60_000,
        what: 'the later bundle',
      },
    );
    expect(await recordsOn(TOPICS.fhirInbound.name, mrn)).toHaveLength(1);
  });

  it('converts with the sending integration’s own settings once it is registered through the API, without a restart', async () => {
    const gateway = services.find((s) => s.name === 'gateway')!;
    const facility = unique('FAC');
    const created = await fetch(`http://127.0.0.1:${gateway.port}/api/v1/integrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        facility,
        systemType: 'ehr',
        systemName: 'ADT feed',
        connection: {
          type: 'hl7',
          endpoint: 'adt.example:2575',
          authentication: { type: 'none' },
          timeout: 5000,
          retryPolicy: { maxAttempts: 3, backoff: 'exponential', base: 500 },
        },
        synchronization: {
          enabled: true,
          direction: 'inbound',
          frequency: 'real_time',
          conflictResolution: 'source_wins',
        },
        hl7: { identifierSystems: { GOODHEALTH: 'urn:oid:2.16.840.1.113883.3.999.1' } },
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const mrn = unique('MRN');
    // Until the transformer has the configuration, a message would convert with the defaults: resend
    // (new control ids) until the override shows, as a config change must apply without a restart.
    const bundle = await eventually(
      async () => {
        const controlId = unique('C');
        const client = await MllpClient.connect(mllpPort);
        const text = adt(controlId, mrn).replace('|GOODHEALTH|MERIDIAN|', `|${facility}|MERIDIAN|`);
        expect(readAck(await client.request(text)).code).toBe('AA');
        client.close();
        const found = await eventually(
          async () => {
            const records = await recordsOn(TOPICS.fhirInbound.name, controlId);
            return records.length > 0 ? records[0] : undefined;
          },
          { timeoutMs: 30_000, what: 'the bundle' },
        );
        return found.message.headers?.[CE.integrationId]?.toString() === id ? found : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1_000, what: 'a bundle converted with the integration’s settings' },
    );
    const converted = JSON.parse(bundle.message.value?.toString() ?? '{}') as fhir4.Bundle;
    const patient = converted.entry?.find((e) => e.resource?.resourceType === 'Patient')
      ?.resource as fhir4.Patient;
    expect(patient.identifier?.find((i) => i.value === mrn)?.system).toBe(
      'urn:oid:2.16.840.1.113883.3.999.1',
    );
    expect(bundle.message.key?.toString()).toBe(`${id}|urn:oid:2.16.840.1.113883.3.999.1|${mrn}`);

    // The conversion is a step of the integration's message log.
    const causation = bundle.message.headers?.[CE.causationId]?.toString();
    const [step] = await eventually(
      async () => {
        const found = (await readTopic(kafka, admin, TOPICS.integrationEvents.name)).filter(
          (r) => r.message.headers?.[CE.causationId]?.toString() === causation,
        );
        return found.length > 0 ? found : undefined;
      },
      { what: 'the transformer step' },
    );
    expect(JSON.parse(step.message.value?.toString() ?? '{}')).toMatchObject({
      integrationId: id,
      status: 'completed',
      step: 'transformer.hl7-to-fhir',
      attempt: 1,
      durationMs: expect.any(Number),
    });
  });

  it('refuses malformed input at the edge with AR and a reason', async () => {
    const client = await MllpClient.connect(mllpPort);
    const controlId = unique('C');
    const ack = readAck(await client.request(adt(controlId, unique('MRN')).replace('PID|', 'PIDX|')));
    client.close();
    expect(ack.code).toBe('AR');
    expect(ack.controlId).toBe(controlId);
    expect(ack.text).toMatch(/segment 3/);
    expect(await recordsOn(TOPICS.hl7Inbound.name, controlId)).toHaveLength(0);
  });

  it('refuses at intake, with AR naming the field, a message the converter could not convert', async () => {
    const controlId = unique('C');
    const client = await MllpClient.connect(mllpPort);
    // Well-formed HL7, but no patient identifier anywhere: no Patient could be matched.
    const ack = readAck(await client.request(adt(controlId, 'unused', '')));
    client.close();
    expect(ack).toMatchObject({ code: 'AR', controlId });
    expect(ack.err).toMatch(/^ERR\|\|PID\^\d+\^3\|101\^/);
    expect(await recordsOn(TOPICS.hl7Inbound.name, controlId)).toHaveLength(0);
  });

  it('sends an accepted message that still cannot become FHIR to the DLQ with the reason, and nothing downstream', async () => {
    const controlId = unique('C');
    const mrn = unique('MRN');
    // Passes intake (every required segment is there), but its OBX holds no content: a document
    // without content would replace the stored one with nothing, so the converter refuses it.
    const emptyDocument =
      [
        `MSH|^~\\&|DOCS|GOODHEALTH|MERIDIAN|MERIDIAN|20260315083000-0500||MDM^T02^MDM_T02|${controlId}|P|2.5.1`,
        'EVN|T02|20260315083000-0500',
        `PID|1||${mrn}^^^GOODHEALTH^MR||O\\S\\BRIEN^MARY||19750704|F`,
        'PV1|1|O',
        `TXA|1|CN|TX|20260315083000-0500||||||||DOC-${controlId}|||||AU`,
        'OBX|1|TX|NOTE^Clinical note^L||',
      ].join('\r') + '\r';
    const client = await MllpClient.connect(mllpPort);
    expect(readAck(await client.request(emptyDocument)).code).toBe('AA');
    client.close();
    const [dead] = await eventually(
      async () => {
        const found = await recordsOn(dlqTopicName(TOPICS.hl7Inbound.name), controlId);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 60_000, what: 'the record on the DLQ' },
    );
    const headers = dead.message.headers ?? {};
    expect(headers[DLQ_HEADERS.consumerGroup]?.toString()).toBe('meridian.transformer');
    expect(headers[DLQ_HEADERS.exceptionClass]?.toString()).toBe('PermanentError');
    expect(headers[DLQ_HEADERS.exceptionMessage]?.toString()).toMatch(/MISSING_CONTENT/);
    expect(headers[DLQ_HEADERS.exceptionMessage]?.toString()).not.toContain('BRIEN');
    expect(dead.message.value?.toString()).toBe(emptyDocument);
    expect(await recordsOn(TOPICS.fhirInbound.name, mrn)).toHaveLength(0);
  });
});
