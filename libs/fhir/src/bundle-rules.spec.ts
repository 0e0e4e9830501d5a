import { FhirValidator, validateFhirResource } from './index';
import { json, patient, PATIENT_UUID, transactionBundle } from './test-fixtures';

const crossChecked = new FhirValidator({ fhirJsCrossCheck: true });

function findings(bundle: unknown): [string, string | undefined][] {
  const result = validateFhirResource(bundle);
  expect(crossChecked.validate(bundle)).toEqual(result);
  return result.issues.map((issue) => [issue.path, issue.rule]);
}

function entry(bundle: ReturnType<typeof transactionBundle>, i: number) {
  const found = bundle.entry?.[i];
  if (!found) throw new Error(`no entry ${i}`);
  return found;
}

describe('transaction bundles', () => {
  it('requires request with method and url on every entry', () => {
    const bundle = transactionBundle();
    delete entry(bundle, 2).request;
    json(entry(bundle, 3).request).method = undefined;
    json(entry(bundle, 4).request).url = undefined;
    expect(findings(bundle)).toEqual([
      ['Bundle.entry[2]', 'bdl-3'],
      ['Bundle.entry[3].request.method', 'cardinality'],
      ['Bundle.entry[4].request.url', 'cardinality'],
    ]);
  });

  it('requires a resource for POST, PUT and PATCH but not for DELETE or GET', () => {
    const bundle = transactionBundle();
    delete entry(bundle, 2).resource;
    delete entry(bundle, 3).resource;
    entry(bundle, 3).request = { method: 'DELETE', url: 'Observation/obs-1' };
    delete entry(bundle, 4).resource;
    entry(bundle, 4).request = { method: 'GET', url: 'Observation?code=883-9' };
    expect(findings(bundle)).toEqual([['Bundle.entry[2]', 'transaction-resource']]);
  });

  it('accepts conditional request URLs', () => {
    const bundle = transactionBundle();
    entry(bundle, 2).request = { method: 'PUT', url: 'Encounter?identifier=http://example.org/visits|V-1' };
    entry(bundle, 3).request = {
      method: 'DELETE',
      url: 'Observation?subject=Patient/1&code=http://loinc.org|2345-7',
    };
    entry(bundle, 3).resource = undefined;
    entry(bundle, 4).request = {
      method: 'POST',
      url: 'Observation',
      ifNoneExist: 'identifier=urn:oid:1.2.3|4',
    };
    expect(findings(bundle)).toEqual([]);
  });

  it.each([
    ['PUT', 'Encounter', 'transaction-url'],
    ['PUT', 'Encounter/', 'transaction-url'],
    ['DELETE', 'Encounter', 'transaction-url'],
    ['POST', 'Patient', 'transaction-url'],
    ['PUT', 'Encounter/e_1', 'transaction-url'],
    ['POST', '/Encounter', 'transaction-url'],
    ['POST', 'Encounter?', undefined],
    ['POST', 'Encounter/$validate', undefined],
    ['POST', 'https://fhir.example.org/r4/Encounter', undefined],
  ])('checks %s %s', (method, url, rule) => {
    const bundle = transactionBundle();
    entry(bundle, 2).request = { method: method as 'POST', url };
    expect(findings(bundle)).toEqual(rule ? [['Bundle.entry[2].request.url', rule]] : []);
  });

  it('requires resource.id to match the id of a PUT Type/id', () => {
    const bundle = transactionBundle();
    entry(bundle, 2).request = { method: 'PUT', url: 'Encounter/enc-1' };
    expect(findings(bundle)).toEqual([['Bundle.entry[2].request.url', 'transaction-url']]);
    json(entry(bundle, 2).resource).id = 'enc-1';
    expect(findings(bundle)).toEqual([]);
  });

  it('rejects a request.url with whitespace as a uri', () => {
    const bundle = transactionBundle();
    entry(bundle, 0).request = { method: 'PUT', url: 'Patient?name=Ada Quinterra' };
    expect(findings(bundle)).toEqual([['Bundle.entry[0].request.url', 'format']]);
  });
});

describe('fullUrl and urn:uuid references', () => {
  it('reports a duplicate fullUrl (bdl-7) on the later entry', () => {
    const bundle = transactionBundle();
    entry(bundle, 14).fullUrl = entry(bundle, 9).fullUrl;
    const result = validateFhirResource(bundle);
    expect(result.issues).toEqual([
      {
        severity: 'error',
        path: 'Bundle.entry[14].fullUrl',
        rule: 'bdl-7',
        message: 'fullUrl is not unique in the bundle (also entry[9])',
      },
    ]);
  });

  it('allows a repeated fullUrl with different versionIds, and in history bundles', () => {
    const first = { ...patient(), meta: { versionId: '1' } };
    const second = { ...patient(), meta: { versionId: '2' } };
    const collection = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: PATIENT_UUID, resource: first },
        { fullUrl: PATIENT_UUID, resource: second },
      ],
    };
    expect(findings(collection)).toEqual([]);
    const history = {
      resourceType: 'Bundle',
      type: 'history',
      entry: [
        {
          fullUrl: PATIENT_UUID,
          resource: patient(),
          request: { method: 'PUT', url: 'Patient/p1' },
          response: { status: '200' },
        },
        {
          fullUrl: PATIENT_UUID,
          resource: patient(),
          request: { method: 'PUT', url: 'Patient/p1' },
          response: { status: '200' },
        },
      ],
    };
    expect(findings(history)).toEqual([]);
  });

  it('requires a urn:uuid fullUrl to hold a valid UUID, and no version (bdl-8)', () => {
    const bundle = transactionBundle();
    entry(bundle, 13).fullUrl = 'urn:uuid:not-a-uuid';
    entry(bundle, 12).fullUrl = 'https://fhir.example.org/r4/Coverage/c1/_history/1';
    expect(findings(bundle)).toEqual([
      ['Bundle.entry[12].fullUrl', 'bdl-8'],
      ['Bundle.entry[13].fullUrl', 'bundle-fullurl'],
      // A urn:uuid uri that is not a lowercase UUID is also a format error (HAPI: DT_UUID_Valid).
      ['Bundle.entry[13].fullUrl', 'format'],
    ]);
  });

  it('requires every urn:uuid reference to match an entry fullUrl', () => {
    const bundle = transactionBundle();
    json(entry(bundle, 5).resource).subject = { reference: 'urn:uuid:0b1c4a6e-2f0d-4d8e-9a51-6c0f3e1d2aff' };
    const result = validateFhirResource(bundle);
    expect(result.issues).toEqual([
      {
        severity: 'error',
        path: 'Bundle.entry[5].resource.Observation.subject.reference',
        rule: 'bundle-reference',
        message: 'urn:uuid reference does not match the fullUrl of an entry in the bundle',
      },
    ]);
  });

  it('checks the target type of a urn:uuid reference against the entry it points to', () => {
    const bundle = transactionBundle();
    // Observation.subject may be a Patient, Group, Device or Location, not an Encounter.
    json(entry(bundle, 5).resource).subject = { reference: entry(bundle, 2).fullUrl };
    expect(findings(bundle)).toEqual([
      ['Bundle.entry[5].resource.Observation.subject.reference', 'ref-target'],
    ]);
  });

  it('resolves urn:uuid references in a nested bundle against that bundle only', () => {
    const inner = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          fullUrl: 'urn:uuid:5d4f1e2a-0000-4000-8000-000000000001',
          resource: { ...patient(), link: undefined },
        },
      ],
    };
    const outer = transactionBundle();
    (outer.entry as unknown[]).push({
      fullUrl: 'urn:uuid:5d4f1e2a-0000-4000-8000-000000000002',
      resource: inner,
      request: { method: 'POST', url: 'Bundle' },
    });
    expect(findings(outer)).toEqual([]);
    json(inner.entry[0].resource).generalPractitioner = [{ reference: entry(outer, 1).fullUrl }];
    expect(findings(outer)).toEqual([
      [
        'Bundle.entry[15].resource.Bundle.entry[0].resource.Patient.generalPractitioner[0].reference',
        'bundle-reference',
      ],
    ]);
  });
});

describe('entry parts by bundle type', () => {
  it('applies bdl-1 to bdl-5', () => {
    const searchset = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: 1,
      entry: [
        { fullUrl: 'https://fhir.example.org/r4/Patient/1', resource: patient(), search: { mode: 'match' } },
      ],
    };
    expect(findings(searchset)).toEqual([]);
    const collection = {
      resourceType: 'Bundle',
      type: 'collection',
      total: 1,
      entry: [
        { fullUrl: 'https://fhir.example.org/r4/Patient/1', resource: patient(), search: { mode: 'match' } },
        { request: { method: 'GET', url: 'Patient/1' }, response: { status: '200' } },
        { fullUrl: 'https://fhir.example.org/r4/Patient/2' },
      ],
    };
    expect(findings(collection)).toEqual([
      ['Bundle.total', 'bdl-1'],
      ['Bundle.entry[0].search', 'bdl-2'],
      ['Bundle.entry[1].request', 'bdl-3'],
      ['Bundle.entry[1].response', 'bdl-4'],
      ['Bundle.entry[2]', 'bdl-5'],
    ]);
  });

  it('requires a response in a transaction-response', () => {
    const response = {
      resourceType: 'Bundle',
      type: 'transaction-response',
      entry: [{ fullUrl: 'urn:uuid:5d4f1e2a-0000-4000-8000-000000000001', resource: patient() }],
    };
    expect(findings(response)).toEqual([['Bundle.entry[0]', 'bdl-4']]);
  });

  it('checks the bundle type against its value set', () => {
    expect(findings({ resourceType: 'Bundle', type: 'transactions' })).toEqual([['Bundle.type', 'binding']]);
  });
});
