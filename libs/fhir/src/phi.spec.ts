import { Fhir } from 'fhir';
import { FhirValidator, formatIssues } from './index';
import { transactionBundle } from './test-fixtures';

// Issues end up in Kafka headers and logs: no value from the resource may reach a message or a
// path. Every value below that breaks a rule carries the marker `Zq7` (or is the number 7771234
// or the date 1907-07-17), and the test looks for the markers in everything the validator says.

const MARKERS = [/zq7/i, /7771234/, /1907-07-17/];

function brokenPatient(): Record<string, unknown> {
  return {
    resourceType: 'Patient',
    id: 'Zq7 not an id',
    meta: {
      lastUpdated: 'Zq7-2024',
      tag: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0001', code: 'Zq7' }],
    },
    text: { status: 'generated', div: '<p>Zq7 Ada Quinterra</p>' },
    'Zq7 Ada Quinterra': 'Zq7 value of an unknown element',
    identifier: [
      { system: 'urn:oid:Zq7', value: 7771234, period: { start: '1907-07-18', end: '1907-07-17' } },
      { system: 'mailto:Zq7@example.org', value: 'Zq7' },
      { system: 'urn:oid:2.7771234', value: 'Zq7' },
    ],
    active: 'Zq7-true',
    name: [{ family: 7771234, given: ['Zq7Ada', ''], use: 'Zq7-official' }],
    telecom: { system: 'phone', value: 'Zq7 +41 44 000 00 00' },
    gender: ['Zq7female'],
    birthDate: 'Zq7-1980-02-29',
    _birthDate: { extension: [{ url: 'Zq7 birth time', valueDateTime: 'Zq7T04:12' }] },
    deceasedBoolean: false,
    deceasedDateTime: '1907-07-17',
    maritalStatus: 'Zq7married',
    multipleBirthInteger: 7771234.5,
    photo: [{ contentType: 'Zq7/jpeg x', data: 'Zq7!' }],
    contact: [
      {
        gender: 'Zq7f',
        name: { family: 'Zq7Mother' },
        organization: { reference: 'Patient/Zq7-1', display: 'Zq7 Display' },
      },
      {
        gender: 'female',
        _gender: { extension: [{ url: 'https://meridian.example/Zq7', valueString: 'Zq7' }] },
      },
    ],
    communication: [{ language: { text: 'Zq7 German' }, preferred: 'Zq7' }],
    contained: [{ resourceType: 'Organization', id: 'org', name: 'Zq7 Clinic', foo: 'Zq7' }],
    generalPractitioner: [
      { reference: 'Zq7 Practitioner 1' },
      { reference: '#Zq7missing' },
      { reference: 'Medication/Zq7-med', display: 'Zq7 Dr. Who' },
      { reference: 'urn:uuid:0b1c4a6e-2f0d-4d8e-9a51-7771234aaaaa' },
      { reference: 'Practitioner/1', type: 'Zq7Type' },
    ],
    managingOrganization: { reference: 'Organization?name=Zq7 Clinic' },
    extension: [
      {
        url: 'http://example.org/Zq7',
        valueString: 'Zq7',
        extension: [{ url: 'http://x', valueCode: ' Zq7 ' }],
      },
      { url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-Zq7Patient.note', valueString: 'Zq7' },
      { url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueString: 'Zq7' },
      { url: 'Zq7/relative', valueString: 'Zq7' },
      {
        url: 'http://hl7.org/fhir/StructureDefinition/patient-nationality',
        extension: [{ url: 'Zq7', valueString: 'Zq7' }],
      },
    ],
  };
}

function brokenBundle(): Record<string, unknown> {
  const bundle = transactionBundle();
  const entries = bundle.entry ?? [];
  entries[1].fullUrl = entries[0].fullUrl;
  entries[2].fullUrl = 'urn:uuid:Zq7-not-a-uuid';
  entries[3].request = { method: 'PUT', url: 'Patient?name=Zq7Ada' };
  entries[4].request = { method: 'PUT', url: 'Observation/Zq7_id' };
  entries[5].request = { method: 'PUT', url: 'Observation/zq7-other-id' };
  (entries[6].request as { url: string }).url = 'Zq7Resource';
  (entries as unknown[]).push({
    fullUrl: 'urn:uuid:0b1c4a6e-2f0d-4d8e-9a51-7771234bbbbb',
    resource: brokenPatient(),
    request: { method: 'POST', url: 'Patient' },
  });
  return { ...bundle, identifier: { system: 'Zq7 system', value: 'Zq7' } } as Record<string, unknown>;
}

describe('no value reaches an issue', () => {
  const validator = new FhirValidator({ fhirJsCrossCheck: true });

  it.each([
    ['a broken Patient', brokenPatient],
    ['a broken transaction Bundle', brokenBundle],
  ])('%s: every rule fires, no message or path carries a value', (_, make) => {
    const result = validator.validate(make());
    const rules = new Set(result.issues.map((issue) => issue.rule));
    // The input breaks every kind of rule, so the test covers every kind of message.
    for (const rule of [
      'json-type',
      'format',
      'ele-1',
      'cardinality',
      'binding',
      'unknown-element',
      'choice',
      'ref-format',
      'ref-1',
      'ref-target',
      'per-1',
      'ext-1',
      'code-system',
      'identifier-system',
      'extension',
      'pat-1',
    ]) {
      expect(rules).toContain(rule);
    }
    if (make === brokenBundle) {
      for (const rule of ['bdl-7', 'bundle-fullurl', 'bundle-reference', 'transaction-url'])
        expect(rules).toContain(rule);
    }
    const said = [
      ...result.issues.map((issue) => `${issue.path} ${issue.message}`),
      formatIssues(result.issues, 100_000),
    ];
    for (const text of said) {
      for (const marker of MARKERS) expect(text).not.toMatch(marker);
    }
  });

  it('is needed: FHIR.js itself quotes the values', () => {
    const withoutNulls = JSON.parse(JSON.stringify(brokenPatient()));
    const messages = new Fhir()
      .validate(withoutNulls, { errorOnUnexpected: true })
      .messages.map((m) => m.message ?? '');
    expect(messages.filter((m) => MARKERS.some((marker) => marker.test(m))).length).toBeGreaterThan(3);
  });
});
