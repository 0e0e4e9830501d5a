import { FhirValidator, formatIssues, validateFhirResource } from './index';
import * as fixtures from './test-fixtures';

const crossChecked = new FhirValidator({ fhirJsCrossCheck: true });

const resources: [string, () => { resourceType: string }][] = [
  ['Patient', fixtures.patient],
  ['Practitioner', fixtures.practitioner],
  ['Encounter', fixtures.encounter],
  ['Observation with valueQuantity', fixtures.observationQuantity],
  ['Observation with valueCodeableConcept', fixtures.observationCodeableConcept],
  ['Observation with valueString', fixtures.observationString],
  ['DiagnosticReport', fixtures.diagnosticReport],
  ['ServiceRequest', fixtures.serviceRequest],
  ['Appointment', fixtures.appointment],
  ['DocumentReference', fixtures.documentReference],
  ['AllergyIntolerance', fixtures.allergyIntolerance],
  ['Condition', fixtures.condition],
  ['Coverage', fixtures.coverage],
  ['RelatedPerson', fixtures.relatedPerson],
  ['Provenance', fixtures.provenance],
  ['transaction Bundle', fixtures.transactionBundle],
];

describe('validateFhirResource on valid resources', () => {
  it.each(resources)('passes a %s with no issue', (_, make) => {
    expect(validateFhirResource(make())).toEqual({ valid: true, issues: [] });
  });

  it.each(resources)('passes a %s in FHIR.js as well (cross-check)', (_, make) => {
    expect(crossChecked.validate(make())).toEqual({ valid: true, issues: [] });
  });

  it('validates every entry of the bundle: one broken entry makes it invalid', () => {
    const bundle = fixtures.transactionBundle();
    fixtures.json(bundle.entry?.[13].resource).gender = 'mother';
    const result = validateFhirResource(bundle);
    expect(result.valid).toBe(false);
    expect(result.issues.map((issue) => issue.path)).toEqual([
      'Bundle.entry[13].resource.RelatedPerson.gender',
    ]);
  });

  it('accepts what FHIR allows but a naive check would not', () => {
    const patient = {
      ...fixtures.patient(),
      id: 'pat-1.a',
      text: {
        status: 'generated',
        div: '<div xmlns="http://www.w3.org/1999/xhtml">Ada Quinterra</div>',
      },
      // A required or repeating primitive may carry only extensions, aligned with nulls.
      name: [{ family: 'Quinterra', given: [null, 'Maren'], _given: [{ extension: [absent()] }, null] }],
      // Members set to undefined are not serialised, so they are absent.
      deceasedBoolean: undefined,
      contained: [{ resourceType: 'Organization', id: 'org', name: 'Clinic' }],
      managingOrganization: { reference: '#org' },
      generalPractitioner: [{ reference: 'https://fhir.example.org/r4/Practitioner/77/_history/2' }],
    };
    const observation = {
      ...fixtures.observationString(),
      note: [{ _text: { extension: [absent()] } }],
      subject: { reference: 'Patient?identifier=urn:oid:1.2.36.146.595.217.0.1|MRN-4711' },
      valueString: undefined,
      valueQuantity: { value: 1, comparator: '<' },
    };
    expect(validateFhirResource(patient).issues).toEqual([]);
    expect(validateFhirResource(observation).issues).toEqual([]);
    expect(crossChecked.validate(patient).issues).toEqual([]);
    expect(crossChecked.validate(observation).issues).toEqual([]);
  });
});

function absent() {
  return { url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' };
}

describe('validateFhirResource on anything', () => {
  it.each([
    ['null', null, ''],
    ['a string', '{"resourceType":"Patient"}', ''],
    ['an array', [fixtures.patient()], ''],
    ['a number', 42, ''],
  ])('reports %s as not a resource, without throwing', (_, input, path) => {
    expect(validateFhirResource(input)).toEqual({
      valid: false,
      issues: [{ severity: 'error', path, rule: 'json-type', message: 'a resource must be a JSON object' }],
    });
  });

  it.each([
    ['missing', {}],
    ['unknown', { resourceType: 'Patients' }],
    ['abstract', { resourceType: 'DomainResource' }],
    ['not a string', { resourceType: 7 }],
  ])('reports a %s resourceType', (_, input) => {
    expect(validateFhirResource(input).issues).toEqual([
      {
        severity: 'error',
        path: 'resourceType',
        rule: 'resource-type',
        message: 'resourceType is missing or not an R4 resource type',
      },
    ]);
  });

  it('stops at a cycle instead of overflowing the stack', () => {
    const extension: Record<string, unknown> = { url: 'http://example.org/loop' };
    extension.extension = [extension];
    const result = validateFhirResource({ resourceType: 'Patient', extension: [extension] });
    expect(result.valid).toBe(false);
    expect(result.issues.some((issue) => issue.message === 'nested deeper than 128 objects')).toBe(true);
    expect(crossChecked.validate({ resourceType: 'Patient', extension: [extension] }).valid).toBe(false);
  });

  it('reports values that JSON cannot carry', () => {
    const result = validateFhirResource({
      resourceType: 'Patient',
      birthDate: new Date(0),
      active: () => true,
      multipleBirthInteger: 10n,
    });
    expect(result.issues.map((issue) => [issue.path, issue.rule])).toEqual([
      ['Patient.birthDate', 'json-type'],
      ['Patient.active', 'json-type'],
      ['Patient.multipleBirthInteger', 'json-type'],
    ]);
  });

  it('reports an input whose members cannot be read', () => {
    const unreadable = {
      resourceType: 'Patient',
      get gender(): string {
        throw new Error('Zq7 female');
      },
    };
    expect(validateFhirResource(unreadable)).toEqual({
      valid: false,
      issues: [{ severity: 'error', path: '', rule: 'json-type', message: 'the input could not be read' }],
    });
  });

  it('reports a FHIR.js failure in cross-check mode when the walker passed the resource', () => {
    let reads = 0;
    // Readable once: by the walker, not by FHIR.js's copy.
    const once = {
      resourceType: 'Patient',
      get gender(): string {
        reads += 1;
        if (reads > 1) throw new Error('read twice');
        return 'female';
      },
    };
    expect(crossChecked.validate(once)).toEqual({
      valid: false,
      issues: [{ severity: 'error', path: '', rule: 'fhirjs', message: 'FHIR.js failed on the resource' }],
    });
  });

  it('adds no FHIR.js failure to a resource the walker already rejected', () => {
    const cyclic: Record<string, unknown> = { resourceType: 'Patient' };
    // JSON.stringify would fail on the cycle; the walker reports the depth first.
    cyclic.contained = [cyclic];
    const result = crossChecked.validate(cyclic);
    expect(result.issues.filter((issue) => issue.rule === 'fhirjs')).toEqual([]);
    expect(result.valid).toBe(false);
  });
});

describe('formatIssues', () => {
  const issues = [
    {
      severity: 'error' as const,
      path: 'Patient.gender',
      rule: 'binding',
      message: 'code not in required value set X',
    },
    {
      severity: 'warning' as const,
      path: 'Patient.name[0].family',
      rule: 'format',
      message: 'string has only whitespace',
    },
    { severity: 'error' as const, path: '', message: 'a resource must be a JSON object' },
  ];

  it('writes one line with severity, path, rule and message', () => {
    expect(formatIssues(issues)).toBe(
      'error Patient.gender [binding] code not in required value set X; ' +
        'warning Patient.name[0].family [format] string has only whitespace; ' +
        'error (resource) a resource must be a JSON object',
    );
  });

  it('cuts a long list and says how many were left out', () => {
    const many = Array.from({ length: 50 }, () => issues[0]);
    const line = formatIssues(many, 200);
    expect(line.length).toBeLessThanOrEqual(220);
    expect(line).toMatch(/; … 47 more$/);
  });
});
