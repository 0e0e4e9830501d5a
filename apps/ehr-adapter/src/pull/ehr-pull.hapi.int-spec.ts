// The EHR adapter's pull against a real FHIR R4 server (HAPI, from libs/testing) and the real broker:
// what changed on the server since a time becomes one canonical bundle per resource on
// fhir.r4.inbound.v1, and the answer says how many and up to when.
import { randomUUID } from 'node:crypto';
import { TOPICS, type CommandResultPayload, type FhirBundlePayload } from '@meridian/contracts';
import { eventually, FHIR_SERVER_TIMEOUT_MS, fhirServer, uniqueIdentifierSystem } from '@meridian/testing';
import { fhirIntegration, startHarness, valueOf, type Harness } from '../testing/ehr-adapter-harness';

interface Created {
  resourceType: string;
  id: string;
  meta: { versionId: string; lastUpdated: string };
}

describe('EHR adapter pull against a real FHIR server', () => {
  let base: string;
  let harness: Harness;

  beforeAll(async () => {
    base = await fhirServer();
    harness = await startHarness();
  }, FHIR_SERVER_TIMEOUT_MS);

  afterAll(async () => {
    await harness?.close();
  });

  async function create(resource: { resourceType: string; [element: string]: unknown }): Promise<Created> {
    const response = await fetch(`${base}/${resource.resourceType}`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
      body: JSON.stringify(resource),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Created;
  }

  const results = (integrationId: string) =>
    harness.about(TOPICS.ehrResults.name, integrationId).map((r) => valueOf<CommandResultPayload>(r));
  const inbound = (integrationId: string) => harness.about(TOPICS.fhirInbound.name, integrationId);

  it('publishes each resource changed since a time as a bundle, counts what it skips, and a pull from the watermark publishes nothing again', async () => {
    const id = harness.integrationId('pull');
    await harness.publishConfig(fhirIntegration(id, { endpoint: base }));
    await harness.awaitConfig(id, 1);

    // Types no other test writes, so the server holds exactly what this test creates after `since`.
    const since = new Date(Date.now() - 1_000).toISOString();
    const system = uniqueIdentifierSystem('ehr-pull');
    const devices = [
      await create({ resourceType: 'Device', identifier: [{ system, value: 'D-1' }], status: 'active' }),
      await create({ resourceType: 'Device', identifier: [{ system, value: 'D-2' }], status: 'active' }),
    ];
    // No business identifier: nothing to match it by elsewhere, so skipped and counted.
    const substance = await create({ resourceType: 'Substance', code: { text: 'test substance' } });
    const newest = [...devices, substance]
      .map((r) => r.meta.lastUpdated)
      .sort((a, b) => Date.parse(a) - Date.parse(b))
      .at(-1);

    const jobId = randomUUID();
    const first = await harness.publishPull({
      jobId,
      integrationId: id,
      resourceTypes: ['Device', 'Substance'],
      since,
      requestedAt: new Date().toISOString(),
    });
    const answer = await eventually(() => results(id).find((r) => r.commandId === first), {
      what: 'the pull’s result',
      timeoutMs: 60_000,
    });
    expect(answer).toMatchObject({
      integrationId: id,
      outcome: 'succeeded',
      jobId,
      counters: { fetched: 3, published: 2, skipped: 1 },
    });
    expect(Date.parse(answer.watermark!)).toBe(Date.parse(newest!));

    const bundles = await eventually(() => (inbound(id).length >= 2 ? inbound(id) : undefined), {
      what: 'the two pulled bundles',
    });
    expect(bundles.map((r) => r.key).sort()).toEqual([`${id}|${system}|D-1`, `${id}|${system}|D-2`]);
    for (const record of bundles) {
      expect(record.headers).toMatchObject({
        ce_type: 'org.meridian.fhir.bundle.v1',
        ce_source: '/meridian/ehr-adapter',
        ce_integrationid: id,
      });
      const bundle = valueOf<FhirBundlePayload>(record);
      const device = devices.find((d) => d.id === bundle.entry[0].resource?.id)!;
      expect(bundle).toMatchObject({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: { resourceType: 'Device', id: device.id, meta: { versionId: device.meta.versionId } },
            request: { method: 'PUT', url: `Device?identifier=${system}|${record.key?.split('|').at(-1)}` },
          },
        ],
      });
    }

    // From the watermark: nothing changed since, so nothing is published.
    const second = await harness.publishPull({
      jobId: randomUUID(),
      integrationId: id,
      resourceTypes: ['Device', 'Substance'],
      since: answer.watermark,
      requestedAt: new Date().toISOString(),
    });
    const again = await eventually(() => results(id).find((r) => r.commandId === second), {
      what: 'the second pull’s result',
      timeoutMs: 60_000,
    });
    expect(again).toMatchObject({
      outcome: 'succeeded',
      counters: { fetched: 0, published: 0, skipped: 0 },
      watermark: answer.watermark,
    });

    // The same range pulled once more publishes the same events (same ce_id): consumers dedupe them.
    const third = await harness.publishPull({
      jobId: randomUUID(),
      integrationId: id,
      resourceTypes: ['Device'],
      since,
      requestedAt: new Date().toISOString(),
    });
    await eventually(() => results(id).find((r) => r.commandId === third), {
      what: 'the third pull’s result',
      timeoutMs: 60_000,
    });
    const all = await eventually(() => (inbound(id).length >= 4 ? inbound(id) : undefined), {
      what: 'the re-pulled bundles',
    });
    expect(all).toHaveLength(4);
    expect(new Set(all.map((r) => r.headers.ce_id)).size).toBe(2);
  });
});
