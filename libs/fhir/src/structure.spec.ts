import { type FhirValidationResult, FhirValidator, validateFhirResource } from './index';
import {
  appointment,
  documentReference,
  encounter,
  json,
  observationQuantity,
  observationString,
  patient,
  serviceRequest,
  transactionBundle,
} from './test-fixtures';

const crossChecked = new FhirValidator({ fhirJsCrossCheck: true });

/** [path, rule] of every issue, in order. */
function findings(result: FhirValidationResult): [string, string | undefined][] {
  return result.issues.map((issue) => [issue.path, issue.rule]);
}

/** The walker's findings, checked to be the same with FHIR.js's validator run beside it. */
function check(resource: unknown): [string, string | undefined][] {
  const result = validateFhirResource(resource);
  expect(crossChecked.validate(resource)).toEqual(result);
  return findings(result);
}

describe('unknown elements', () => {
  it('reports them as errors (FHIR.js only warns unless told otherwise)', () => {
    const result = validateFhirResource({ ...patient(), birthdate: '1980-02-29' });
    expect(result.valid).toBe(false);
    expect(result.issues).toEqual([
      {
        severity: 'error',
        path: 'Patient.birthdate',
        rule: 'unknown-element',
        message: 'element is not defined in R4 Patient',
      },
    ]);
  });

  it('finds them in data types, backbone elements and nested resources', () => {
    const bundle = transactionBundle();
    const observation = json(bundle.entry?.[3].resource);
    json(observation.valueQuantity).precision = 2;
    json((observation.component as unknown[])[0]).interpretationText = 'x';
    json(bundle.entry?.[0].request).verb = 'PUT';
    expect(check(bundle)).toEqual([
      ['Bundle.entry[0].request.verb', 'unknown-element'],
      ['Bundle.entry[3].resource.Observation.valueQuantity.precision', 'unknown-element'],
      ['Bundle.entry[3].resource.Observation.component[0].interpretationText', 'unknown-element'],
    ]);
  });

  // FHIR.js never looks inside these; the walker does.
  it('finds them in a contentReference (Observation.component.referenceRange)', () => {
    const observation = observationQuantity();
    json(observation.component?.[0].referenceRange?.[0]).foo = 1;
    expect(findings(validateFhirResource(observation))).toEqual([
      ['Observation.component[0].referenceRange[0].foo', 'unknown-element'],
    ]);
    const searchset = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [{ link: [{ relation: 'self' }], resource: patient(), search: { mode: 'match' } }],
    };
    expect(findings(validateFhirResource(searchset))).toEqual([
      ['Bundle.entry[0].link[0].url', 'cardinality'],
    ]);
  });

  it('finds them in an Element-typed group (Timing.repeat)', () => {
    const request = serviceRequest();
    json(request.occurrenceTiming?.repeat).foo = 1;
    expect(findings(validateFhirResource(request))).toEqual([
      ['ServiceRequest.occurrenceTiming.repeat.foo', 'unknown-element'],
    ]);
  });

  it('finds them in the id and extensions of a primitive (_birthDate)', () => {
    const withExtension = { ...patient(), _birthDate: { id: 'b', foo: 1 } };
    expect(findings(validateFhirResource(withExtension))).toEqual([
      ['Patient._birthDate.foo', 'unknown-element'],
    ]);
  });

  it('reports `_name` for an element that is not a primitive, and resourceType outside a resource', () => {
    expect(
      check({
        ...patient(),
        _name: [{ id: 'n' }],
        maritalStatus: { resourceType: 'CodeableConcept', text: 'x' },
      }),
    ).toEqual([
      ['Patient.maritalStatus.resourceType', 'unknown-element'],
      ['Patient._name', 'unknown-element'],
    ]);
  });

  it('accepts `_valueUuid`, which FHIR.js does not know', () => {
    const extension = {
      url: 'http://example.org/source-message',
      valueUuid: 'urn:uuid:c757873d-ec9a-4326-a141-556f43239520',
      _valueUuid: { id: 'u1', extension: [{ url: 'http://example.org/x', valueString: 'y' }] },
    };
    expect(check({ ...patient(), extension: [extension] })).toEqual([]);
  });

  it('replaces names that do not look like element names by ?', () => {
    expect(
      findings(validateFhirResource({ resourceType: 'Patient', 'Ada Quinterra': true, '1980-02-29': 1 })),
    ).toEqual([
      ['Patient.?', 'unknown-element'],
      ['Patient.?', 'unknown-element'],
    ]);
  });
});

describe('cardinality', () => {
  it('reports missing required elements, in backbone elements too', () => {
    const encounterWithoutStatus = { ...encounter(), status: undefined };
    const broken = {
      ...appointment(),
      participant: [{ actor: { reference: 'Patient/1' } }],
    };
    expect(check(encounterWithoutStatus)).toEqual([['Encounter.status', 'cardinality']]);
    expect(check(broken)).toEqual([['Appointment.participant[0].status', 'cardinality']]);
  });

  it('reports a missing required choice once, as name[x]', () => {
    const request = {
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/1' },
    };
    expect(check(request)).toEqual([['MedicationRequest.medication[x]', 'cardinality']]);
    expect(check({ ...request, medicationReference: { reference: 'Medication/1' } })).toEqual([]);
  });

  it('reports a missing required element of a data type (Extension.url)', () => {
    expect(check({ ...patient(), extension: [{ valueString: 'x' }] })).toEqual([
      ['Patient.extension[0].url', 'cardinality'],
    ]);
  });

  it('requires an array for a repeating element and a single value otherwise', () => {
    expect(
      check({ ...patient(), name: { family: 'Quinterra' }, gender: ['female'], identifier: 'MRN-4711' }),
    ).toEqual([
      ['Patient.identifier', 'cardinality'],
      ['Patient.name', 'cardinality'],
      ['Patient.gender', 'cardinality'],
    ]);
    expect(check({ ...patient(), _birthDate: [{ id: 'b' }] })).toEqual([
      ['Patient._birthDate', 'cardinality'],
    ]);
  });
});

describe('data types', () => {
  it('checks the JSON type of every primitive and complex element', () => {
    expect(
      check({
        ...observationQuantity(),
        valueQuantity: { value: '5.4', unit: 'mmol/L' },
        issued: 1767602712,
        code: 'glucose',
        category: [['laboratory']],
        subject: 'Patient/1',
      }),
    ).toEqual([
      ['Observation.category[0]', 'json-type'],
      ['Observation.code', 'json-type'],
      ['Observation.subject', 'json-type'],
      ['Observation.issued', 'json-type'],
      ['Observation.valueQuantity.value', 'json-type'],
    ]);
  });

  it('checks primitive formats wherever they are, with the path of the value', () => {
    const result = validateFhirResource({
      ...patient(),
      birthDate: '29.02.1980',
      name: [{ family: 'Quinterra', given: ['Ada', ''] }],
      _birthDate: {
        extension: [
          {
            url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime',
            valueDateTime: '1980-02-29T04:12',
          },
        ],
      },
      meta: { lastUpdated: '2026-01-05' },
      id: 'no spaces allowed',
    });
    expect(findings(result)).toEqual([
      ['Patient.meta.lastUpdated', 'format'],
      ['Patient.name[0].given[1]', 'ele-1'],
      ['Patient.birthDate', 'format'],
      ['Patient._birthDate.extension[0].valueDateTime', 'format'],
      ['Patient.id', 'format'],
    ]);
    expect(result.issues[0].message).toBe('not a valid R4 instant');
  });

  it('checks the narrative div', () => {
    expect(
      findings(validateFhirResource({ ...patient(), text: { status: 'generated', div: '<p>Ada</p>' } })),
    ).toEqual([['Patient.text.div', 'format']]);
  });

  it('reports a whitespace-only string as a warning that leaves the resource valid', () => {
    const result = validateFhirResource({ ...patient(), name: [{ family: '   ' }] });
    expect(result.valid).toBe(true);
    expect(result.issues).toEqual([
      {
        severity: 'warning',
        path: 'Patient.name[0].family',
        rule: 'format',
        message: 'string has only whitespace',
      },
    ]);
  });
});

describe('choice elements', () => {
  it('accepts each allowed type of value[x]', () => {
    for (const value of [
      { valueQuantity: { value: 1 } },
      { valueCodeableConcept: { text: 'A' } },
      { valueString: 'A' },
      { valueBoolean: false },
      { valueInteger: 0 },
      { valuePeriod: { start: '2024' } },
    ]) {
      expect(check({ ...observationString(), valueString: undefined, ...value })).toEqual([]);
    }
  });

  it('rejects a type value[x] does not allow, and two types at once', () => {
    expect(check({ ...observationString(), valueString: undefined, valueUri: 'http://x' })).toEqual([
      ['Observation.valueUri', 'unknown-element'],
    ]);
    expect(check({ ...observationString(), valueBoolean: true, valueInteger: 1 })).toEqual([
      ['Observation.value[x]', 'choice'],
    ]);
  });

  it('checks the variant with its own type', () => {
    expect(check({ ...observationString(), valueString: undefined, valueDateTime: '2024-13' })).toEqual([
      ['Observation.valueDateTime', 'format'],
    ]);
  });
});

describe('required bindings', () => {
  it('checks codes with the value set URL in the message', () => {
    const result = validateFhirResource({ ...patient(), gender: 'femalex' });
    expect(result.issues).toEqual([
      {
        severity: 'error',
        path: 'Patient.gender',
        rule: 'binding',
        message: 'code not in required value set http://hl7.org/fhir/ValueSet/administrative-gender',
      },
    ]);
  });

  it('checks codes bound inside data types and backbone elements', () => {
    expect(
      check({
        ...patient(),
        name: [{ use: 'nick', family: 'Q' }],
        telecom: [{ system: 'pager', value: '1', use: 'office' }],
        // pat-1 wants a name, telecom, address or organization in a contact.
        contact: [{ gender: 'f', name: { family: 'R' } }],
      }),
    ).toEqual([
      ['Patient.name[0].use', 'binding'],
      ['Patient.telecom[0].use', 'binding'],
      ['Patient.contact[0].gender', 'binding'],
    ]);
    expect(check({ ...observationQuantity(), valueQuantity: { value: 1, comparator: '~' } })).toEqual([
      ['Observation.valueQuantity.comparator', 'binding'],
    ]);
  });

  it('checks codes in elements FHIR.js does not descend into', () => {
    const questionnaire = {
      resourceType: 'Questionnaire',
      status: 'active',
      item: [{ linkId: '1', type: 'group', item: [{ linkId: '1.1', type: 'free-text' }] }],
    };
    expect(findings(validateFhirResource(questionnaire))).toEqual([
      ['Questionnaire.item[0].item[0].type', 'binding'],
    ]);
  });

  it('passes a CodeableConcept when one coding is from the value set (FHIR.js wants all)', () => {
    const clinicalStatus = {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' },
        { system: 'http://example.org/local-status', code: 'A' },
      ],
    };
    const condition = { resourceType: 'Condition', subject: { reference: 'Patient/1' }, clinicalStatus };
    expect(validateFhirResource(condition).issues).toEqual([]);
  });

  it('fails a CodeableConcept with no coding from the value set, or with text only', () => {
    const condition = (clinicalStatus: unknown) => ({
      resourceType: 'Condition',
      subject: { reference: 'Patient/1' },
      clinicalStatus,
    });
    const wrongSystem = { coding: [{ system: 'http://example.org/local-status', code: 'active' }] };
    expect(check(condition(wrongSystem))).toEqual([['Condition.clinicalStatus', 'binding']]);
    expect(validateFhirResource(condition({ text: 'active' })).issues).toEqual([
      {
        severity: 'error',
        path: 'Condition.clinicalStatus',
        rule: 'binding',
        message: 'no coding from required value set http://hl7.org/fhir/ValueSet/condition-clinical',
      },
    ]);
  });

  it('checks codes in backbone elements of other resources (Subscription.channel.type)', () => {
    const subscription = (type: string) => ({
      resourceType: 'Subscription',
      status: 'active',
      reason: 'sync',
      criteria: 'Patient?',
      channel: { type },
    });
    expect(check(subscription('rest-hook'))).toEqual([]);
    expect(check(subscription('fax'))).toEqual([['Subscription.channel.type', 'binding']]);
  });

  it('checks a MIME type by format, since FHIR.js does not ship that value set', () => {
    const withType = (contentType: string) => {
      const document = documentReference();
      document.content[0].attachment.contentType = contentType;
      return document;
    };
    expect(check(withType('application/pdf'))).toEqual([]);
    expect(findings(validateFhirResource(withType('pdf')))).toEqual([
      ['DocumentReference.content[0].attachment.contentType', 'binding'],
    ]);
  });

  it('checks confidentiality codes, a value set FHIR.js does not ship', () => {
    const composition = (confidentiality: string) => ({
      resourceType: 'Composition',
      status: 'final',
      type: { text: 'note' },
      date: '2024-01-01',
      author: [{ display: 'x' }],
      title: 'Note',
      confidentiality,
    });
    expect(validateFhirResource(composition('N')).issues).toEqual([]);
    expect(findings(validateFhirResource(composition('secret')))).toEqual([
      ['Composition.confidentiality', 'binding'],
    ]);
  });
});

describe('ele-1: no empty or null elements', () => {
  it.each([
    ['null', { active: null }, 'Patient.active'],
    ['an empty object', { maritalStatus: {} }, 'Patient.maritalStatus'],
    ['an object with only an id', { maritalStatus: { id: 'm' } }, 'Patient.maritalStatus'],
    ['an empty array', { name: [] }, 'Patient.name'],
    ['an empty string', { gender: '' }, 'Patient.gender'],
    ['null in a complex array', { name: [null] }, 'Patient.name[0]'],
    [
      'null in a primitive array without _name',
      { name: [{ given: ['Ada', null] }] },
      'Patient.name[0].given[1]',
    ],
    ['empty extensions of a primitive', { _gender: {} }, 'Patient._gender'],
  ])('reports %s', (_, change, path) => {
    expect(findings(validateFhirResource({ ...patient(), ...change }))).toEqual([[path, 'ele-1']]);
  });

  it('reports nulls at the same index in a primitive and its _name, and arrays of different lengths', () => {
    // _given[0] is null beside a value: fine. _given[1] has only an id: no content.
    expect(
      findings(
        validateFhirResource({ ...patient(), name: [{ given: ['Ada', null], _given: [null, null] }] }),
      ),
    ).toEqual([
      ['Patient.name[0].given[1]', 'ele-1'],
      ['Patient.name[0]._given[1]', 'ele-1'],
    ]);
    expect(
      findings(
        validateFhirResource({ ...patient(), name: [{ given: ['Ada'], _given: [null, { id: 'g' }] }] }),
      ),
    ).toEqual([
      ['Patient.name[0]._given', 'json-type'],
      ['Patient.name[0]._given[1]', 'ele-1'],
    ]);
  });
});

describe('ext-1', () => {
  it('requires a value or nested extensions, not both', () => {
    const both = {
      url: 'http://example.org/a',
      valueString: 'x',
      extension: [{ url: 'b', valueBoolean: true }],
    };
    const neither = { url: 'http://example.org/a' };
    expect(findings(validateFhirResource({ ...patient(), extension: [both, neither] }))).toEqual([
      ['Patient.extension[0]', 'ext-1'],
      ['Patient.extension[1]', 'ext-1'],
    ]);
  });
});

describe('per-1', () => {
  it.each([
    ['2024-05-02', '2024-05-01', true],
    ['2024-05-01T10:00:00Z', '2024-05-01T09:59:59Z', true],
    ['2024-05-01T10:00:00+02:00', '2024-05-01T09:00:00Z', false],
    ['2025', '2024-12-31', true],
    // Not comparable (FHIRPath gives empty): HAPI reports per-1 as failed, measured on $validate.
    ['2024-05', '2024-05-01', true],
    ['2024-05-01', '2024-05-01T00:00:00Z', true],
    ['2024-05-01T10:00:00Z', '2024-05-01', true],
    ['2024', '2024-05', true],
    ['2024-05', '2024-06-15', false],
    ['2024-05-01', '2024-05-02T10:00:00Z', false],
    ['2024-05-01', '2024-05-01', false],
  ])('start %s, end %s: reported %s', (start, end, reported) => {
    const result = validateFhirResource({ ...encounter(), period: { start, end } });
    expect(findings(result)).toEqual(reported ? [['Encounter.period', 'per-1']] : []);
  });

  it('checks Periods inside data types too', () => {
    const identifier = { value: 'x', period: { start: '2024-02', end: '2024-01' } };
    expect(findings(validateFhirResource({ ...patient(), identifier: [identifier] }))).toEqual([
      ['Patient.identifier[0].period', 'per-1'],
    ]);
  });
});

describe('paths', () => {
  it('name the resource type after each resource boundary and index arrays from 0', () => {
    const bundle = transactionBundle();
    json(bundle.entry?.[2].resource).birthDate = '1980';
    const patientWithContained = {
      ...patient(),
      contained: [{ resourceType: 'Practitioner', id: 'gp', name: [{ given: ['A', 7] }] }],
      generalPractitioner: [{ reference: '#gp' }],
    };
    expect(findings(validateFhirResource(bundle))).toEqual([
      ['Bundle.entry[2].resource.Encounter.birthDate', 'unknown-element'],
    ]);
    expect(findings(validateFhirResource(patientWithContained))).toEqual([
      ['Patient.contained[0].Practitioner.name[0].given[1]', 'json-type'],
    ]);
  });
});
