// The behaviours of a real FHIR R4 server that the EHR adapter relies on, checked over HTTP against
// the run's server (tools/fhir-server, or FHIR_BASE_URL). Every test writes under an identifier
// system of its own, so the shared server's other data never matters.
import { FHIR_SERVER_TIMEOUT_MS, fhirServer, uniqueIdentifierSystem } from '@meridian/testing';
import { randomUUID } from 'node:crypto';

interface Resource {
  resourceType: string;
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string };
  [field: string]: unknown;
}

interface Bundle extends Resource {
  total?: number;
  entry?: { fullUrl?: string; resource?: Resource; response?: { status: string; location?: string } }[];
}

interface Reply<T = Resource> {
  status: number;
  body: T;
}

let base: string;

beforeAll(async () => {
  base = await fhirServer();
}, FHIR_SERVER_TIMEOUT_MS);

async function request<T = Resource>(
  method: string,
  route: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const response = await fetch(route ? `${base}/${route}` : base, {
    method,
    headers: {
      accept: 'application/fhir+json',
      ...(options.body === undefined ? {} : { 'content-type': 'application/fhir+json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** `identifier=system|value` for a search or a conditional request (`value` omitted: any value). */
function byIdentifier(system: string, value = ''): string {
  return `identifier=${encodeURIComponent(system)}|${encodeURIComponent(value)}`;
}

async function search(type: string, query: string): Promise<Resource[]> {
  const { status, body } = await request<Bundle>('GET', `${type}?${query}&_count=50`);
  expect(status).toBe(200);
  return (body.entry ?? []).map((entry) => entry.resource as Resource);
}

function patient(system: string, value: string, extra: Record<string, unknown> = {}): Resource {
  return { resourceType: 'Patient', identifier: [{ system, value }], ...extra };
}

describe('FHIR server', () => {
  it('declares FHIR R4 with transactions and conditional create and update', async () => {
    const { status, body } = await request('GET', 'metadata');
    expect(status).toBe(200);
    expect(body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
    const rest = (body.rest as { interaction: { code: string }[]; resource: Resource[] }[])[0];
    expect(rest.interaction.map((i) => i.code)).toContain('transaction');
    expect(rest.resource.find((r) => r.type === 'Patient')).toMatchObject({
      conditionalCreate: true,
      conditionalUpdate: true,
    });
  });

  it('creates once under a conditional create (If-None-Exist) sent twice', async () => {
    const system = uniqueIdentifierSystem('conditional-create');
    const send = () =>
      request('POST', 'Patient', {
        body: patient(system, 'MRN-1'),
        headers: { 'if-none-exist': byIdentifier(system, 'MRN-1') },
      });

    const first = await send();
    const second = await send();

    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect((await search('Patient', byIdentifier(system))).map((p) => p.id)).toEqual([first.body.id]);
  });

  it('creates, then updates the same resource under a conditional update by identifier', async () => {
    const system = uniqueIdentifierSystem('conditional-update');
    const url = `Patient?${byIdentifier(system, 'MRN-2')}`;

    const created = await request('PUT', url, { body: patient(system, 'MRN-2', { gender: 'female' }) });
    const updated = await request('PUT', url, { body: patient(system, 'MRN-2', { gender: 'male' }) });
    // The same content again is not a change: no new version (what makes replays cheap).
    const replayed = await request('PUT', url, { body: patient(system, 'MRN-2', { gender: 'male' }) });

    expect(created.status).toBe(201);
    expect(created.body.meta?.versionId).toBe('1');
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: created.body.id, gender: 'male', meta: { versionId: '2' } });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ id: created.body.id, meta: { versionId: '2' } });
    expect(await search('Patient', byIdentifier(system))).toHaveLength(1);
  });

  it('applies a transaction with urn:uuid references and conditional entries twice, creating nothing the second time', async () => {
    const system = uniqueIdentifierSystem('transaction');
    const patientUrl = `urn:uuid:${randomUUID()}`;
    const encounterUrl = `urn:uuid:${randomUUID()}`;
    // As libs/hl7-fhir builds bundles: conditional PUT by identifier, conditional create for
    // resources another feed owns, PUT to a deterministic UUID id for resources without identifier.
    const locationId = randomUUID();
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: patientUrl,
          resource: patient(system, 'MRN-3', { name: [{ family: 'Doe', given: ['Jane'] }] }),
          request: { method: 'PUT', url: `Patient?${byIdentifier(system, 'MRN-3')}` },
        },
        {
          fullUrl: encounterUrl,
          resource: {
            resourceType: 'Encounter',
            identifier: [{ system, value: 'VISIT-3' }],
            status: 'in-progress',
            class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
            subject: { reference: patientUrl },
            location: [{ location: { reference: `urn:uuid:${locationId}` } }],
          },
          request: { method: 'PUT', url: `Encounter?${byIdentifier(system, 'VISIT-3')}` },
        },
        {
          fullUrl: `urn:uuid:${randomUUID()}`,
          resource: {
            resourceType: 'Observation',
            identifier: [{ system, value: 'OBS-3' }],
            status: 'final',
            code: { text: 'Heart rate' },
            subject: { reference: patientUrl },
            encounter: { reference: encounterUrl },
          },
          request: { method: 'POST', url: 'Observation', ifNoneExist: byIdentifier(system, 'OBS-3') },
        },
        {
          fullUrl: `urn:uuid:${locationId}`,
          resource: { resourceType: 'Location', id: locationId, name: 'Ward 3' },
          request: { method: 'PUT', url: `Location/${locationId}` },
        },
      ],
    };

    const first = await request<Bundle>('POST', '', { body: bundle });
    const second = await request<Bundle>('POST', '', { body: bundle });

    expect(first.status).toBe(200);
    expect(first.body.type).toBe('transaction-response');
    expect(first.body.entry?.map((e) => e.response?.status)).toEqual(Array(4).fill('201 Created'));
    expect(second.status).toBe(200);
    expect(second.body.entry?.map((e) => e.response?.status)).toEqual(Array(4).fill('200 OK'));
    // Same resources, still at version 1.
    expect(second.body.entry?.map((e) => e.response?.location)).toEqual(
      first.body.entry?.map((e) => e.response?.location),
    );
    expect(first.body.entry?.every((e) => e.response?.location?.endsWith('/_history/1'))).toBe(true);

    const [stored] = await search('Patient', byIdentifier(system));
    const encounters = await search('Encounter', byIdentifier(system));
    const observations = await search('Observation', byIdentifier(system));
    expect(encounters).toHaveLength(1);
    expect(observations).toHaveLength(1);
    // urn:uuid references now point at the stored resources.
    expect(encounters[0].subject).toEqual({ reference: `Patient/${stored.id}` });
    expect(encounters[0].location).toEqual([{ location: { reference: `Location/${locationId}` } }]);
    expect(observations[0]).toMatchObject({
      subject: { reference: `Patient/${stored.id}` },
      encounter: { reference: `Encounter/${encounters[0].id}` },
    });
  });

  it('refuses an update whose If-Match names a stale version with 409 and keeps the current one', async () => {
    const system = uniqueIdentifierSystem('if-match');
    const created = await request('POST', 'Patient', { body: patient(system, 'MRN-4') });
    const id = created.body.id as string;
    const update = (gender: string) =>
      request('PUT', `Patient/${id}`, {
        body: patient(system, 'MRN-4', { id, gender }),
        headers: { 'if-match': 'W/"1"' },
      });

    const current = await update('female');
    const stale = await update('male');

    expect(current.status).toBe(200);
    expect(current.body.meta?.versionId).toBe('2');
    expect(stale.status).toBe(409);
    expect(stale.body.resourceType).toBe('OperationOutcome');
    const read = await request('GET', `Patient/${id}`);
    expect(read.body).toMatchObject({ gender: 'female', meta: { versionId: '2' } });
  });

  it('searches by identifier and by _lastUpdated', async () => {
    const system = uniqueIdentifierSystem('search');
    const older = await request('POST', 'Patient', { body: patient(system, 'MRN-5a') });
    const olderUpdated = older.body.meta?.lastUpdated as string;
    // _lastUpdated has millisecond precision: write the second one in a later millisecond.
    while (Date.now() <= Date.parse(olderUpdated)) await new Promise((resolve) => setTimeout(resolve, 1));
    const newer = await request('POST', 'Patient', { body: patient(system, 'MRN-5b') });

    const ids = (resources: Resource[]) => resources.map((r) => r.id).sort();
    const since = `_lastUpdated=gt${encodeURIComponent(olderUpdated)}`;
    const until = `_lastUpdated=le${encodeURIComponent(olderUpdated)}`;
    expect(ids(await search('Patient', byIdentifier(system)))).toEqual(ids([older.body, newer.body]));
    expect(ids(await search('Patient', byIdentifier(system, 'MRN-5b')))).toEqual([newer.body.id]);
    expect(ids(await search('Patient', `${byIdentifier(system)}&${since}`))).toEqual([newer.body.id]);
    expect(ids(await search('Patient', `${byIdentifier(system)}&${until}`))).toEqual([older.body.id]);
  });

  it('deletes everything under an identifier system with one conditional delete', async () => {
    const system = uniqueIdentifierSystem('conditional-delete');
    for (const value of ['MRN-8a', 'MRN-8b']) {
      expect((await request('POST', 'Patient', { body: patient(system, value) })).status).toBe(201);
    }
    expect(await search('Patient', byIdentifier(system))).toHaveLength(2);

    const deleted = await request('DELETE', `Patient?${byIdentifier(system)}`);

    expect(deleted.status).toBe(200);
    expect(await search('Patient', byIdentifier(system))).toEqual([]);
  });

  it('creates a resource by PUT to a new client-assigned id containing a letter, and refuses an all-numeric one', async () => {
    const system = uniqueIdentifierSystem('client-id');
    const id = `mrd-${randomUUID().slice(0, 8)}`;
    // Far above the ids the server assigns itself (it counts up from about 1000).
    const numericId = `9${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`;

    const created = await request('PUT', `Patient/${id}`, { body: patient(system, 'MRN-6', { id }) });
    const numeric = await request('PUT', `Patient/${numericId}`, {
      body: patient(system, 'MRN-7', { id: numericId }),
    });

    expect(created.status).toBe(201);
    expect((await request('GET', `Patient/${id}`)).body).toMatchObject({ id, meta: { versionId: '1' } });
    expect(numeric.status).toBe(400);
    expect((await request('GET', `Patient/${numericId}`)).status).toBe(404);
  });
});
