import { FhirValidator, validateFhirResource } from './index';
import { r4Definitions } from './r4-definitions';
import { parseReference } from './reference';
import { observationString, patient } from './test-fixtures';

const crossChecked = new FhirValidator({ fhirJsCrossCheck: true });

function subjectFindings(
  reference: string,
  extra: Record<string, unknown> = {},
): [string, string | undefined][] {
  const observation = { ...observationString(), subject: { reference, ...extra } };
  const result = validateFhirResource(observation);
  expect(crossChecked.validate(observation)).toEqual(result);
  return result.issues.map((issue) => [issue.path, issue.rule]);
}

describe('parseReference', () => {
  const types = r4Definitions().resourceTypes;

  it.each([
    ['Patient/123', { form: 'relative', type: 'Patient' }],
    ['Patient/123/_history/4', { form: 'relative', type: 'Patient' }],
    ['https://fhir.example.org/r4/Patient/123', { form: 'absolute', type: 'Patient' }],
    ['https://fhir.example.org/r4/Patient/123/_history/4', { form: 'absolute', type: 'Patient' }],
    ['https://example.org/some/document', { form: 'absolute', type: undefined }],
    ['urn:uuid:c757873d-ec9a-4326-a141-556f43239520', { form: 'uuid' }],
    ['urn:oid:1.2.3.4', { form: 'oid' }],
    ['#p1', { form: 'local', id: 'p1' }],
    ['#', { form: 'local', id: '' }],
    ['Patient?identifier=http://example.org/mrn|12345', { form: 'conditional', type: 'Patient' }],
  ])('reads %s', (reference, expected) => {
    expect(parseReference(reference, types)).toEqual(expected);
  });

  it.each([
    ['Patient', 'not Type/id, an absolute URL, urn:uuid:, urn:oid:, #id or Type?criteria'],
    ['patient/123', 'not Type/id, an absolute URL, urn:uuid:, urn:oid:, #id or Type?criteria'],
    ['Patients/123', 'not an R4 resource type'],
    ['Patient/12_3', 'id is not a valid R4 id'],
    ['Patient/123/_history/a_b', 'id is not a valid R4 id'],
    ['Patient?', 'conditional reference without criteria'],
    ['urn:uuid:123', 'urn:uuid is not a UUID'],
    ['urn:oid:abc', 'urn:oid is not an OID'],
    ['#not an id', 'local reference is not #id'],
    ['/Patient/123', 'not Type/id, an absolute URL, urn:uuid:, urn:oid:, #id or Type?criteria'],
  ])('rejects %s', (reference, reason) => {
    expect(parseReference(reference, types)).toEqual({ form: 'invalid', reason });
  });
});

describe('Reference checks', () => {
  it.each([
    'Patient/123',
    'Group/g1',
    'https://fhir.example.org/r4/Patient/123/_history/2',
    'https://example.org/anything',
    'urn:oid:1.2.3',
    'Patient?identifier=urn:oid:1.2.36.146.595.217.0.1|MRN-4711',
  ])('accepts %s as Observation.subject', (reference) => {
    expect(subjectFindings(reference)).toEqual([]);
  });

  it('reports a malformed reference with its path', () => {
    expect(subjectFindings('Patient 123')).toEqual([['Observation.subject.reference', 'ref-format']]);
    expect(subjectFindings('Patient')).toEqual([['Observation.subject.reference', 'ref-format']]);
    expect(subjectFindings('urn:uuid:not-a-uuid')).toEqual([['Observation.subject.reference', 'ref-format']]);
  });

  it('reports a reference to a type the element does not allow, however it is written', () => {
    expect(subjectFindings('Medication/1')).toEqual([['Observation.subject.reference', 'ref-target']]);
    expect(subjectFindings('https://fhir.example.org/Practitioner/1')).toEqual([
      ['Observation.subject.reference', 'ref-target'],
    ]);
    expect(subjectFindings('Practitioner?identifier=x|y')).toEqual([
      ['Observation.subject.reference', 'ref-target'],
    ]);
    expect(subjectFindings('urn:oid:1.2.3', { type: 'Practitioner' })).toEqual([
      ['Observation.subject.type', 'ref-target'],
    ]);
    const result = validateFhirResource({ ...observationString(), subject: { reference: 'Medication/1' } });
    expect(result.issues[0].message).toBe(
      'a reference to Medication is not allowed here (allowed: Patient, Group, Device, Location)',
    );
  });

  it('reports a Reference.type that contradicts the reference', () => {
    expect(subjectFindings('Patient/1', { type: 'Group' })).toEqual([
      ['Observation.subject.type', 'ref-target'],
    ]);
    expect(subjectFindings('Patient/1', { type: 'Patient' })).toEqual([]);
  });

  it('accepts versioned and conditional references FHIR.js reports as the wrong type', () => {
    // FHIR.js takes the second-to-last path segment as the type: `_history`, or a piece of the URL.
    const observation = {
      ...observationString(),
      subject: { reference: 'Patient/1/_history/3' },
      performer: [{ reference: 'Practitioner?identifier=http://example.org/staff|42' }],
    };
    expect(crossChecked.validate(observation).issues).toEqual([]);
  });
});

describe('ref-1: local references', () => {
  const withContained = (reference: string) => ({
    ...patient(),
    contained: [
      { resourceType: 'Organization', id: 'org1', name: 'Clinic' },
      { resourceType: 'Practitioner', id: 'gp1', name: [{ family: 'Okonkwo' }] },
    ],
    generalPractitioner: [{ reference }],
  });

  // Only the reference rules: the contained resource left unreferenced is dom-3's (below).
  const referenceIssues = (resource: unknown) =>
    validateFhirResource(resource).issues.filter((issue) => issue.rule !== 'dom-3');

  it('resolves #id against the contained resources, and checks the target type', () => {
    expect(referenceIssues(withContained('#gp1'))).toEqual([]);
    expect(referenceIssues(withContained('#org1'))).toEqual([]);
    expect(referenceIssues(withContained('#nobody'))).toEqual([
      {
        severity: 'error',
        path: 'Patient.generalPractitioner[0].reference',
        rule: 'ref-1',
        message: 'local reference does not match the id of a contained resource',
      },
    ]);
    const wrongType = { ...withContained('#gp1'), managingOrganization: { reference: '#gp1' } };
    expect(referenceIssues(wrongType).map((issue) => [issue.path, issue.rule])).toEqual([
      ['Patient.managingOrganization.reference', 'ref-target'],
    ]);
  });

  it('wants every contained resource referred to, or referring to the container (dom-3, as HAPI)', () => {
    expect(
      validateFhirResource(withContained('#gp1')).issues.map((issue) => [issue.path, issue.rule]),
    ).toEqual([['Patient.contained[0]', 'dom-3']]);
    const both = { ...withContained('#gp1'), managingOrganization: { reference: '#org1' } };
    expect(validateFhirResource(both).issues).toEqual([]);
  });

  it('lets a contained resource refer to its siblings and to the container with #', () => {
    const resource = {
      ...patient(),
      contained: [
        { resourceType: 'Organization', id: 'org1', name: 'Clinic' },
        {
          resourceType: 'Practitioner',
          id: 'gp1',
          qualification: [{ code: { text: 'GP' }, issuer: { reference: '#org1' } }],
        },
        { resourceType: 'RelatedPerson', id: 'rp1', patient: { reference: '#' } },
      ],
      generalPractitioner: [{ reference: '#gp1' }],
      link: [{ other: { reference: '#rp1' }, type: 'seealso' }],
    };
    expect(validateFhirResource(resource).issues).toEqual([]);
  });

  it('rejects # outside a contained resource', () => {
    const resource = { ...patient(), managingOrganization: { reference: '#' } };
    expect(validateFhirResource(resource).issues.map((issue) => [issue.path, issue.rule])).toEqual([
      ['Patient.managingOrganization.reference', 'ref-1'],
    ]);
  });
});
