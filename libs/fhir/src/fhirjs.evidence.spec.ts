import { Fhir } from 'fhir';
import { fhirJsIssues } from './fhirjs-cross-check';
import { validateFhirResource } from './index';
import { r4Definitions } from './r4-definitions';
import { json, observationString, patient, serviceRequest, transactionBundle } from './test-fixtures';

// Executable evidence for the README: what FHIR.js 4.12.0's validator does, next to what this
// library does. If one of these starts failing, FHIR.js changed and the README is stale.

const fhir = new Fhir();

function fhirJs(resource: unknown, errorOnUnexpected = true) {
  return fhir.validate(resource as object, { errorOnUnexpected });
}

/** FHIR.js's findings without its warnings about codes in preferred and example value sets. */
function fhirJsFindings(resource: unknown, errorOnUnexpected = true) {
  const { valid, messages } = fhirJs(resource, errorOnUnexpected);
  return {
    valid,
    messages: messages.filter((m) => m.severity === 'error' || m.message === 'Unexpected property'),
  };
}

function ours(resource: unknown): [string, string | undefined][] {
  return validateFhirResource(resource).issues.map((issue) => [issue.path, issue.rule]);
}

describe('FHIR.js 4.12.0 validator (evidence for the README)', () => {
  it('only warns about unknown elements unless errorOnUnexpected is set', () => {
    const resource = { ...patient(), birthdate: '1980' };
    expect(fhirJsFindings(resource, false)).toEqual({
      valid: true,
      messages: [
        {
          location: 'Patient.birthdate',
          resourceId: '#initial',
          severity: 'warning',
          message: 'Unexpected property',
        },
      ],
    });
    expect(ours(resource)).toEqual([['Patient.birthdate', 'unknown-element']]);
  });

  it('quotes values in its messages', () => {
    const messages = fhirJsFindings({ ...patient(), gender: 'femalex', active: 'yes' }).messages.map(
      (m) => m.message,
    );
    expect(messages).toEqual([
      'Invalid format for boolean value "yes"',
      'Code "femalex" not found in value set',
    ]);
  });

  it('has unanchored format regexes, so malformed dates, ids and integers pass', () => {
    const resource = {
      ...patient(),
      id: 'not an id!',
      birthDate: 'born 1980-02-29',
      multipleBirthInteger: 1.5,
    };
    expect(fhirJsFindings(resource)).toEqual({ valid: true, messages: [] });
    expect(ours(resource)).toEqual([
      ['Patient.birthDate', 'format'],
      ['Patient.id', 'format'],
      ['Patient.multipleBirthInteger', 'format'],
    ]);
  });

  it('does not check that strings are strings', () => {
    const resource = { ...patient(), name: [{ family: 42 }] };
    expect(fhirJs(resource).valid).toBe(true);
    expect(ours(resource)).toEqual([['Patient.name[0].family', 'json-type']]);
  });

  it('throws on null', () => {
    expect(() => fhirJs({ ...patient(), active: null })).toThrow(TypeError);
    expect(ours({ ...patient(), active: null })).toEqual([['Patient.active', 'ele-1']]);
  });

  it('does not notice a single value given as an array, nor two types of a choice', () => {
    expect(fhirJs({ ...patient(), birthDate: ['1980-02-29'] }).valid).toBe(true);
    expect(fhirJs({ ...observationString(), valueBoolean: true }).valid).toBe(true);
  });

  it('does not look inside Element-typed groups, contentReferences or _primitive extensions', () => {
    const request = serviceRequest();
    json(request.occurrenceTiming?.repeat).foo = 1;
    const bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      link: [{ relation: 'self', url: 'x' }],
      entry: [{ link: [{ foo: 1 }] }],
    };
    const withExtension = { ...patient(), _birthDate: { foo: 1 } };
    for (const resource of [request, bundle, withExtension]) expect(fhirJs(resource).valid).toBe(true);
  });

  it('loses the path of a nested resource', () => {
    const bundle = transactionBundle();
    json(bundle.entry?.[13].resource).gender = 'mother';
    expect(fhirJsFindings(bundle).messages.map((m) => m.location)).toEqual(['RelatedPerson.gender']);
    expect(ours(bundle)).toEqual([['Bundle.entry[13].resource.RelatedPerson.gender', 'binding']]);
  });

  it('wants every coding of a CodeableConcept in a required value set', () => {
    const condition = {
      resourceType: 'Condition',
      subject: { reference: 'Patient/1' },
      clinicalStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' },
          { system: 'http://example.org/local', code: 'A' },
        ],
      },
    };
    expect(fhirJs(condition).valid).toBe(false);
    expect(ours(condition)).toEqual([]);
  });

  it('misreads versioned and conditional references as references to the wrong type', () => {
    const observation = { ...observationString(), subject: { reference: 'Patient/1/_history/2' } };
    expect(fhirJsFindings(observation).messages.map((m) => m.message)).toEqual([
      'Invalid type for reference {"reference":"Patient/1/_history/2"}',
    ]);
    expect(ours(observation)).toEqual([]);
  });

  it('wants a value for a required primitive that carries only extensions', () => {
    // Annotation.text is required and not bound (a bound code without a value is an error for
    // HAPI too, see fhir-validator.spec.ts).
    const observation = {
      ...observationString(),
      note: [
        {
          _text: {
            extension: [
              { url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' },
            ],
          },
        },
      ],
    };
    expect(fhirJs(JSON.parse(JSON.stringify(observation))).valid).toBe(false);
    expect(ours(observation)).toEqual([]);
  });

  it('walks the characters of a valueUuid', () => {
    const withUuid = {
      ...patient(),
      extension: [
        { url: 'http://example.org/x', valueUuid: 'urn:uuid:c757873d-ec9a-4326-a141-556f43239520' },
      ],
    };
    expect(fhirJsFindings(withUuid).messages).toHaveLength(
      'urn:uuid:c757873d-ec9a-4326-a141-556f43239520'.length,
    );
    expect(ours(withUuid)).toEqual([]);
  });
});

describe('fhirJsIssues (the cross-check adapter)', () => {
  const defs = r4Definitions();

  it('keeps the kinds FHIR.js gets right, with our paths, rules and messages', () => {
    const bundle = transactionBundle();
    const related = json(bundle.entry?.[13].resource);
    related.gender = 'mother';
    related.nickname = 'Mo';
    delete related.patient;
    related.name = { family: 'x' };
    const request = {
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/1' },
    };
    expect(fhirJsIssues(bundle, defs, [])).toEqual([
      {
        severity: 'error',
        path: 'Bundle.entry[13].resource.RelatedPerson.patient',
        rule: 'cardinality',
        message: 'required element is missing',
      },
      {
        severity: 'error',
        path: 'Bundle.entry[13].resource.RelatedPerson.name',
        rule: 'cardinality',
        message: 'element repeats: must be a JSON array',
      },
      {
        severity: 'error',
        path: 'Bundle.entry[13].resource.RelatedPerson.gender',
        rule: 'binding',
        message: 'code not in required value set http://hl7.org/fhir/ValueSet/administrative-gender',
      },
      {
        severity: 'error',
        path: 'Bundle.entry[13].resource.RelatedPerson.nickname',
        rule: 'unknown-element',
        message: 'element is not defined in R4 RelatedPerson',
      },
    ]);
    expect(fhirJsIssues(request, defs, [])?.map((issue) => issue.path)).toEqual([
      'MedicationRequest.medication[x]',
    ]);
  });

  it('replaces names that might be data by ?', () => {
    expect(fhirJsIssues({ resourceType: 'Patient', 'Ada Quinterra': 1 }, defs, [])).toEqual([
      {
        severity: 'error',
        path: 'Patient.?',
        rule: 'unknown-element',
        message: 'element is not defined in R4 Patient',
      },
    ]);
  });

  it('drops what lies under a shape problem the walker found', () => {
    const resource = { ...patient(), gender: ['female'], maritalStatus: 'married' };
    const walker = validateFhirResource(resource).issues;
    expect(walker.map((issue) => issue.rule)).toEqual(['cardinality', 'json-type']);
    expect(fhirJsIssues(resource, defs, walker)).toEqual([]);
  });

  it('returns undefined when FHIR.js throws', () => {
    expect(fhirJsIssues({ ...patient(), active: null }, defs, [])).toBeUndefined();
  });
});
