// The EHR adapter against a real FHIR R4 server (HAPI, from libs/testing) and the real broker: a
// command made from an HL7 ADT^A01 as the transformer makes it, applied once however often it comes.
import { randomUUID } from 'node:crypto';
import { TOPICS, type CommandResultPayload, type IntegrationLifecyclePayload } from '@meridian/contracts';
import { validateFhirResource } from '@meridian/fhir';
import { parseHl7 } from '@meridian/hl7';
import { convertHl7ToFhir } from '@meridian/hl7-fhir';
import { eventually, FHIR_SERVER_TIMEOUT_MS, fhirServer, uniqueIdentifierSystem } from '@meridian/testing';
import { fhirIntegration, seal, startHarness, valueOf, type Harness } from '../testing/ehr-adapter-harness';

const RESULTS = TOPICS.ehrResults.name;

interface Resource {
  resourceType: string;
  id: string;
  meta?: { versionId?: string };
  subject?: { reference?: string };
  [element: string]: unknown;
}

/** A synthetic admission: one patient (MRN) and one visit (VN) under the facility GOODHEALTH. */
function admission(mrn: string, visit: string, facility = 'GOODHEALTH'): string {
  return [
    `MSH|^~\\&|ADT1|${facility}|MERIDIAN|MERIDIAN|20260101120000||ADT^A01^ADT_A01|${randomUUID().slice(0, 20)}|P|2.5.1`,
    'EVN|A01|20260101120000',
    `PID|1||${mrn}^^^${facility}^MR||TESTPATIENT^ALEX||19800101|F`,
    `PV1|1|I|W^101^1^${facility}||||||||||||||||${visit}^^^${facility}^VN|||||||||||||||||||||||||20260101113000`,
    `ROL|1|AD|AT|1234^ATTEND^ANNE^^^^^^${facility}`,
  ].join('\r');
}

function admissionBundle(system: string, mrn: string, visit: string, facility = 'GOODHEALTH'): object {
  const parsed = parseHl7(admission(mrn, visit, facility));
  if (!parsed.ok) throw new Error(`the test message does not parse: ${parsed.error.reason}`);
  const converted = convertHl7ToFhir(parsed.message, {
    identifierSystems: { [facility]: system },
    validate: validateFhirResource,
  });
  if (!converted.ok) throw new Error(`the test message does not convert: ${converted.error.reason}`);
  return converted.bundle;
}

describe('EHR adapter against a real FHIR server', () => {
  let base: string;
  let harness: Harness;

  beforeAll(async () => {
    base = await fhirServer();
    harness = await startHarness();
  }, FHIR_SERVER_TIMEOUT_MS);

  afterAll(async () => {
    await harness?.close();
  });

  const results = (integrationId: string) =>
    harness.about(RESULTS, integrationId).map((r) => valueOf<CommandResultPayload>(r));

  async function search(type: string, system: string, value: string): Promise<Resource[]> {
    const response = await fetch(
      `${base}/${type}?identifier=${encodeURIComponent(`${system}|${value}`)}&_count=10`,
      { headers: { accept: 'application/fhir+json' } },
    );
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as { entry?: Array<{ resource: Resource }> };
    return (bundle.entry ?? []).map((entry) => entry.resource);
  }

  it('applies a transaction once, answers with the references, and changes nothing when the command comes again', async () => {
    const id = harness.integrationId('hapi');
    await harness.publishConfig(
      fhirIntegration(id, {
        endpoint: base,
        connection: { authentication: { type: 'bearer' } },
        credentials: seal(id, { token: 'hapi-ignores-this' }),
      }),
    );
    await harness.awaitConfig(id, 1);

    const system = uniqueIdentifierSystem('ehr-adapter');
    const mrn = `MRN-${randomUUID().slice(0, 8)}`;
    const visit = `V-${randomUUID().slice(0, 8)}`;
    const bundle = admissionBundle(system, mrn, visit);
    const key = `${id}|Patient/${system}|${mrn}`;
    const correlationId = randomUUID();
    const first = await harness.publishCommand({ integrationId: id, key, bundle, correlationId });
    const answer = await eventually(() => results(id).find((r) => r.commandId === first), {
      what: 'the first result',
      timeoutMs: 60_000,
    });
    expect(answer).toMatchObject({ integrationId: id, outcome: 'succeeded', statusCode: 200 });

    const [patient] = await search('Patient', system, mrn);
    const [encounter] = await search('Encounter', system, visit);
    expect(answer.references).toContain(`Patient/${patient.id}/_history/${patient.meta?.versionId}`);
    expect(answer.references).toContain(`Encounter/${encounter.id}/_history/${encounter.meta?.versionId}`);
    expect(encounter.subject?.reference).toBe(`Patient/${patient.id}`);

    const steps = () =>
      harness
        .about(TOPICS.integrationEvents.name, id)
        .map((r) => valueOf<IntegrationLifecyclePayload>(r))
        .filter((e) => e.correlationId === correlationId && e.step === 'ehr-adapter.apply');
    // The step is published after the result.
    await eventually(() => steps().find((e) => e.status === 'completed'), { what: 'the completed step' });
    expect(steps().map((e) => e.status)).toEqual(['processing', 'completed']);

    // A redelivery (same ce_id) and a second routing of the same admission (a new ce_id).
    await harness.publishCommand({ integrationId: id, key, bundle, id: first });
    const again = await harness.publishCommand({ integrationId: id, key, bundle });
    await eventually(
      () =>
        results(id).filter((r) => r.commandId === first).length === 2 &&
        results(id).some((r) => r.commandId === again)
          ? true
          : undefined,
      { what: 'the results of both repeats', timeoutMs: 60_000 },
    );
    expect(results(id).every((r) => r.outcome === 'succeeded')).toBe(true);
    const patients = await search('Patient', system, mrn);
    const encounters = await search('Encounter', system, visit);
    expect(patients.map((p) => p.id)).toEqual([patient.id]);
    expect(encounters.map((e) => e.id)).toEqual([encounter.id]);
    const repeated = results(id).find((r) => r.commandId === again)!;
    expect(repeated.references?.some((r) => r.startsWith(`Patient/${patient.id}/`))).toBe(true);
  });

  it('answers an update based on a version the server no longer has as a conflict, without overwriting', async () => {
    const id = harness.integrationId('hapi-conflict');
    await harness.publishConfig(fhirIntegration(id, { endpoint: base }));
    await harness.awaitConfig(id, 1);

    const system = uniqueIdentifierSystem('ehr-adapter-conflict');
    const value = `MRN-${randomUUID().slice(0, 8)}`;
    const patientId = `conflict-${randomUUID().slice(0, 8)}`;
    const key = `${id}|Patient/${system}|${value}`;
    const put = (gender: string, ifMatch?: string) => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: `${base}/Patient/${patientId}`,
          resource: { resourceType: 'Patient', id: patientId, identifier: [{ system, value }], gender },
          request: { method: 'PUT', url: `Patient/${patientId}`, ...(ifMatch ? { ifMatch } : {}) },
        },
      ],
    });
    const created = await harness.publishCommand({ integrationId: id, key, bundle: put('female') });
    const changed = await harness.publishCommand({ integrationId: id, key, bundle: put('male', 'W/"1"') });
    // Based on version 1, which `changed` has just replaced.
    const stale = await harness.publishCommand({ integrationId: id, key, bundle: put('other', 'W/"1"') });
    const answers = await eventually(
      () => {
        const byId = new Map(results(id).map((r) => [r.commandId, r]));
        return [created, changed, stale].every((c) => byId.has(c)) ? byId : undefined;
      },
      { what: 'three results', timeoutMs: 60_000 },
    );
    expect(answers.get(created)?.outcome).toBe('succeeded');
    expect(answers.get(changed)?.outcome).toBe('succeeded');
    expect(answers.get(stale)).toMatchObject({
      outcome: 'failed',
      statusCode: 409,
      error: { class: 'conflict', retryable: false },
    });
    const [current] = await search('Patient', system, value);
    expect(current).toMatchObject({ id: patientId, gender: 'male', meta: { versionId: '2' } });
    expect(harness.about(`${TOPICS.ehrCommands.name}.dlq`, id)).toEqual([]);
  });

  it('reports a change made directly on the server since our write as a conflict, with its current version and resource', async () => {
    const id = harness.integrationId('hapi-conflict-detail');
    await harness.publishConfig(fhirIntegration(id, { endpoint: base }));
    await harness.awaitConfig(id, 1);

    const system = uniqueIdentifierSystem('ehr-adapter-conflict-detail');
    const value = `MRN-${randomUUID().slice(0, 8)}`;
    const patientId = `detail-${randomUUID().slice(0, 8)}`;
    const key = `${id}|Patient/${system}|${value}`;
    const patient = (gender: string) => ({
      resourceType: 'Patient',
      id: patientId,
      identifier: [{ system, value }],
      gender,
    });
    const put = (gender: string, ifMatch?: string) => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: `${base}/Patient/${patientId}`,
          resource: patient(gender),
          request: { method: 'PUT', url: `Patient/${patientId}`, ...(ifMatch ? { ifMatch } : {}) },
        },
      ],
    });
    const written = await harness.publishCommand({ integrationId: id, key, bundle: put('female') });
    const first = await eventually(() => results(id).find((r) => r.commandId === written), {
      what: 'the write',
      timeoutMs: 60_000,
    });
    expect(first.references).toEqual([`Patient/${patientId}/_history/1`]);

    // Someone changes the patient on the server itself.
    const direct = await fetch(`${base}/Patient/${patientId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
      body: JSON.stringify(patient('male')),
    });
    expect(direct.status).toBe(200);

    const stale = await harness.publishCommand({ integrationId: id, key, bundle: put('other', 'W/"1"') });
    const answer = await eventually(() => results(id).find((r) => r.commandId === stale), {
      what: 'the stale update’s result',
      timeoutMs: 60_000,
    });
    expect(answer).toMatchObject({ outcome: 'failed', error: { class: 'conflict', retryable: false } });
    expect(answer.conflicts).toEqual([
      {
        reference: `Patient/${patientId}`,
        expectedVersion: '1',
        currentVersion: '2',
        resource: expect.objectContaining({ resourceType: 'Patient', id: patientId, gender: 'male' }),
      },
    ]);
    const [current] = await search('Patient', system, value);
    expect(current).toMatchObject({ gender: 'male', meta: { versionId: '2' } });
  });
  it('applies the first admissions of a new facility side by side, though they create the same resources', async () => {
    const id = harness.integrationId('hapi-race');
    await harness.publishConfig(fhirIntegration(id, { endpoint: base }));
    await harness.awaitConfig(id, 1);
    // A facility the server has never seen: its Location and Organization do not exist yet, and
    // every one of these transactions creates them.
    const facility = `FAC${randomUUID().slice(0, 8).toUpperCase()}`;
    const system = uniqueIdentifierSystem('ehr-adapter-race');
    const mrns = Array.from({ length: 12 }, (_, i) => `MRN-${i}-${randomUUID().slice(0, 6)}`);
    const commands = await Promise.all(
      mrns.map((mrn) =>
        harness.publishCommand({
          integrationId: id,
          key: `${id}|Patient/${system}|${mrn}`,
          bundle: admissionBundle(system, mrn, `V-${mrn}`, facility),
        }),
      ),
    );
    const answers = await eventually(
      () => {
        const byId = new Map(results(id).map((r) => [r.commandId, r]));
        return commands.every((c) => byId.has(c)) ? commands.map((c) => byId.get(c)!) : undefined;
      },
      { what: 'every admission answered', timeoutMs: 90_000 },
    );
    expect(answers.map((a) => a.outcome)).toEqual(commands.map(() => 'succeeded'));
    for (const mrn of mrns) expect(await search('Patient', system, mrn)).toHaveLength(1);
    expect(harness.about(`${TOPICS.ehrCommands.name}.dlq`, id)).toEqual([]);
  });

  it('answers a command it applied before from its record, never writing it again after newer ones', async () => {
    const id = harness.integrationId('hapi-replay');
    await harness.publishConfig(fhirIntegration(id, { endpoint: base }));
    await harness.awaitConfig(id, 1);
    const system = uniqueIdentifierSystem('ehr-adapter-replay');
    const value = `MRN-${randomUUID().slice(0, 8)}`;
    const key = `${id}|Patient/${system}|${value}`;
    const write = (gender: string) => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: `urn:uuid:${randomUUID()}`,
          resource: { resourceType: 'Patient', identifier: [{ system, value }], gender },
          request: { method: 'PUT', url: `Patient?identifier=${encodeURIComponent(`${system}|${value}`)}` },
        },
      ],
    });
    const older = await harness.publishCommand({ integrationId: id, key, bundle: write('female') });
    const newer = await harness.publishCommand({ integrationId: id, key, bundle: write('male') });
    // The older command again, as a replica taking over a killed one's partition reads it.
    await harness.publishCommand({ integrationId: id, key, bundle: write('female'), id: older });
    await eventually(
      () => (results(id).filter((r) => r.commandId === older).length === 2 ? true : undefined),
      { what: 'the replay answered', timeoutMs: 60_000 },
    );
    const answers = results(id).filter((r) => r.commandId === older);
    expect(answers.map((a) => a.outcome)).toEqual(['succeeded', 'succeeded']);
    expect(answers[1].references).toEqual(answers[0].references);
    expect(results(id).find((r) => r.commandId === newer)?.outcome).toBe('succeeded');
    const [patient] = await search('Patient', system, value);
    expect(patient).toMatchObject({ gender: 'male', meta: { versionId: '2' } });
    const history = (await (
      await fetch(`${base}/Patient/${patient.id}/_history`, { headers: { accept: 'application/fhir+json' } })
    ).json()) as { total?: number; entry?: unknown[] };
    expect(history.entry).toHaveLength(2);
  });
});
