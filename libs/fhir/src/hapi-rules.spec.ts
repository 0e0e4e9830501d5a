import { validateFhirResource } from './fhir-validator';
import { diagnosticReport, encounter, observationString, patient, serviceRequest } from './test-fixtures';

// The checks that make libs/fhir refuse what HAPI FHIR's R4 validator refuses. Every case was
// first sent to HAPI 8.8's $validate; the HAPI message id is named where it helps.

const V2 = 'http://terminology.hl7.org/CodeSystem/';
const DAR = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

function findings(resource: unknown): [string, string | undefined][] {
  return validateFhirResource(resource)
    .issues.filter((issue) => issue.severity === 'error')
    .map((issue) => [issue.path, issue.rule]);
}

describe('codes of complete R4 code systems (Terminology_PassThrough_TX_Message "Unknown code")', () => {
  it('refuses a code a v2 table does not hold, in a CodeableConcept with no binding to it', () => {
    const resource = {
      ...patient(),
      identifier: [{ type: { coding: [{ system: `${V2}v2-0203`, code: 'ZZZ' }] }, value: 'x' }],
    };
    expect(findings(resource)).toEqual([['Patient.identifier[0].type.coding[0].code', 'code-system']]);
  });

  it('looks at every Coding: Meta.tag, valueCoding, Encounter.class, extension values', () => {
    const withTag = { ...patient(), meta: { tag: [{ system: `${V2}v3-ActReason`, code: 'NOPE' }] } };
    const withClass = { ...encounter(), class: { system: `${V2}v3-ActCode`, code: 'NOPE' } };
    const withExtension = {
      ...patient(),
      extension: [
        { url: 'https://meridian.example/ext', valueCoding: { system: `${V2}v2-0001`, code: 'Q' } },
      ],
    };
    expect(findings(withTag)).toEqual([['Patient.meta.tag[0].code', 'code-system']]);
    expect(findings(withClass)).toEqual([['Encounter.class.code', 'code-system']]);
    expect(findings(withExtension)).toEqual([['Patient.extension[0].valueCoding.code', 'code-system']]);
  });

  it('knows the FHIR and THO code systems of the core value sets too', () => {
    const resource = {
      ...patient(),
      maritalStatus: { coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'xx' }] },
    };
    expect(findings(resource)).toEqual([['Patient.maritalStatus.coding[0].code', 'code-system']]);
  });

  it('is case-sensitive, refuses a known system without a code, and ignores displays', () => {
    const cases = (coding: object) => findings({ ...patient(), maritalStatus: { coding: [coding] } });
    expect(cases({ system: `${V2}v3-MaritalStatus`, code: 'm' })).toEqual([
      ['Patient.maritalStatus.coding[0].code', 'code-system'],
    ]);
    expect(cases({ system: `${V2}v2-0002`, display: 'x' })).toEqual([
      ['Patient.maritalStatus.coding[0]', 'code-system'],
    ]);
    expect(cases({ system: `${V2}v3-MaritalStatus`, code: 'M', display: 'Banana' })).toEqual([]);
  });

  it('accepts abstract v3 codes, unknown systems, and versioned v2 tables it cannot judge', () => {
    expect(
      findings({ ...encounter(), class: { system: `${V2}v3-ActCode`, code: '_ActAccountCode' } }),
    ).toEqual([]);
    const cases = (coding: object) => findings({ ...patient(), maritalStatus: { coding: [coding] } });
    expect(cases({ system: `${V2}v2-9999`, code: 'X' })).toEqual([]);
    expect(cases({ system: 'https://meridian.example/codes', code: 'X' })).toEqual([]);
    // v2-0006 differs between v2 versions; R4 ships it per version and HAPI does not judge it.
    expect(cases({ system: `${V2}v2-0006`, code: 'A' })).toEqual([]);
  });
});

describe('ISO 3166 and ISO 4217, whose lists HAPI keeps', () => {
  const country = (code: string) =>
    findings({
      ...patient(),
      extension: [
        {
          url: 'https://meridian.example/fhir/StructureDefinition/citizenship',
          valueCodeableConcept: { coding: [{ system: 'urn:iso:std:iso:3166', code }] },
        },
      ],
    });

  it('knows alpha-2 and alpha-3 country codes, in any case, and no numeric ones', () => {
    expect(country('CH')).toEqual([]);
    expect(country('che')).toEqual([]);
    expect(country('756')).toEqual([
      ['Patient.extension[0].valueCodeableConcept.coding[0].code', 'code-system'],
    ]);
    expect(country('UK')).toEqual([
      ['Patient.extension[0].valueCodeableConcept.coding[0].code', 'code-system'],
    ]);
  });

  it('wants a currency from the list, in upper case', () => {
    const coverage = (currency: string) =>
      findings({
        resourceType: 'Coverage',
        status: 'active',
        beneficiary: { reference: 'Patient/1' },
        payor: [{ reference: 'Organization/1' }],
        costToBeneficiary: [{ valueMoney: { value: 1, currency } }],
      });
    expect(coverage('CHF')).toEqual([]);
    expect(coverage('XXX')).toEqual([]);
    expect(coverage('ZZZ')).toEqual([['Coverage.costToBeneficiary[0].valueMoney.currency', 'binding']]);
    expect(coverage('chf')).toEqual([['Coverage.costToBeneficiary[0].valueMoney.currency', 'binding']]);
  });

  it('does not take inherited object members for code systems', () => {
    const resource = { ...patient(), maritalStatus: { coding: [{ system: 'constructor', code: 'x' }] } };
    expect(findings(resource)).toEqual([]);
  });
});

describe('OIDs and other uri rules (Type_Specific_Checks_DT_OID_Valid, DT_URI_OID, DT_Identifier_System)', () => {
  it('refuses an OID HAPI refuses wherever a uri holds it, but not in Reference.reference (a string)', () => {
    const resource = {
      ...patient(),
      identifier: [{ system: 'urn:oid:2.4', value: 'x' }],
      maritalStatus: { coding: [{ system: 'urn:oid:1.2.3', code: 'x' }] },
      extension: [{ url: 'urn:oid:2.999', valueOid: 'urn:oid:2.40' }],
      generalPractitioner: [{ reference: 'urn:oid:2.4' }],
    };
    expect(findings(resource)).toEqual([
      ['Patient.identifier[0].system', 'format'],
      ['Patient.maritalStatus.coding[0].system', 'format'],
      ['Patient.extension[0].url', 'format'],
      ['Patient.extension[0].valueOid', 'format'],
    ]);
  });

  it('accepts OIDs such as 2.16.840.1 and those of real assigning authorities', () => {
    const resource = {
      ...patient(),
      identifier: [
        { system: 'urn:oid:2.16.840.1', value: 'a' },
        { system: 'urn:oid:1.2.840.113619.6.1', value: 'b' },
        { system: 'urn:oid:2.16.840.1.113883.19', value: 'c' },
      ],
    };
    expect(findings(resource)).toEqual([]);
  });

  it('wants Identifier.system to be http(s):, urn: or ldap:', () => {
    const systems = ['mailto:x@example.org', 'HTTP://example.org/ids', 'oid:2.16.840.1.113883'];
    const resource = { ...patient(), identifier: systems.map((system) => ({ system, value: 'x' })) };
    expect(findings(resource)).toEqual([
      ['Patient.identifier[0].system', 'identifier-system'],
      ['Patient.identifier[1].system', 'identifier-system'],
      ['Patient.identifier[2].system', 'format'],
      ['Patient.identifier[2].system', 'identifier-system'],
    ]);
  });
});

describe('extensions (Extension_EXT_*, Extension_EXTP_Context_Wrong)', () => {
  it('refuses cross-version extensions, R5 included', () => {
    const report = {
      ...diagnosticReport(),
      extension: [
        {
          url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-DiagnosticReport.note',
          valueAnnotation: { text: 'n' },
        },
      ],
    };
    expect(findings(report)).toEqual([['DiagnosticReport.extension[0].url', 'extension']]);
  });

  it('allows project-local and unknown extensions, as HAPI does by default', () => {
    const urls = [
      'https://meridian.example/fhir/StructureDefinition/z-segment',
      'urn:meridian:ext:x',
      'http://hl7.org/fhir/StructureDefinition/no-such-extension',
      'http://hl7.org/fhir/R5/StructureDefinition/extension-Patient.x',
    ];
    const resource = { ...patient(), extension: urls.map((url) => ({ url, valueString: 'x' })) };
    expect(findings(resource)).toEqual([]);
  });

  it('wants an absolute url', () => {
    const resource = {
      ...patient(),
      extension: [
        { url: 'a/b', valueString: 'x' },
        { url: 'HTTP://example.org/x', valueString: 'x' },
      ],
    };
    expect(findings(resource)).toEqual([
      ['Patient.extension[0].url', 'extension'],
      ['Patient.extension[1].url', 'extension'],
    ]);
  });

  it('checks the value type of an R4 core extension', () => {
    const resource = {
      ...patient(),
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueString: 'x' }],
    };
    expect(findings(resource)).toEqual([['Patient.extension[0]', 'extension']]);
  });

  it('checks the sub-extensions of a complex R4 core extension', () => {
    const nationality = (extension: object[]) => ({
      ...patient(),
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-nationality', extension }],
    });
    expect(findings(nationality([{ url: 'code', valueCodeableConcept: { text: 'x' } }]))).toEqual([]);
    expect(findings(nationality([{ url: 'foo', valueString: 'x' }]))).toEqual([
      ['Patient.extension[0].extension[0].url', 'extension'],
    ]);
    expect(findings(nationality([{ url: 'code', valueString: 'x' }]))).toEqual([
      ['Patient.extension[0].extension[0]', 'extension'],
    ]);
    expect(
      findings({
        ...patient(),
        extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-nationality', valueString: 'x' }],
      }),
    ).toEqual([['Patient.extension[0]', 'extension']]);
  });

  it('checks where an R4 core extension is used', () => {
    const birthTime = {
      url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime',
      valueDateTime: '2000-01-01T10:00:00Z',
    };
    expect(findings({ ...patient(), extension: [birthTime] })).toEqual([
      ['Patient.extension[0]', 'extension'],
    ]);
    expect(
      findings({
        ...observationString(),
        extension: [
          { url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueAddress: { city: 'x' } },
        ],
      }),
    ).toEqual([['Observation.extension[0]', 'extension']]);
    const streetName = {
      url: 'http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-streetName',
      valueString: 'y',
    };
    expect(findings({ ...patient(), name: [{ family: 'x', extension: [streetName] }] })).toEqual([
      ['Patient.name[0].extension[0]', 'extension'],
    ]);
    expect(
      findings({ ...patient(), address: [{ line: ['x'], _line: [{ extension: [streetName] }] }] }),
    ).toEqual([]);
  });

  it('allows an Element-context extension anywhere, and Quantity ones on an Age', () => {
    const absent = { url: DAR, valueCode: 'unknown' };
    expect(
      findings({ ...patient(), extension: [absent], name: [{ family: 'x', extension: [absent] }] }),
    ).toEqual([]);
    const uncertainty = {
      url: 'http://hl7.org/fhir/StructureDefinition/iso21090-uncertainty',
      valueDecimal: 1,
    };
    expect(
      findings({
        ...observationString(),
        valueString: undefined,
        valueQuantity: { value: 1, extension: [uncertainty] },
      }),
    ).toEqual([]);
  });

  it('keeps modifier extensions in modifierExtension and the others out of it', () => {
    const request = serviceRequest();
    const doNotPerform = {
      url: 'http://hl7.org/fhir/StructureDefinition/request-doNotPerform',
      valueBoolean: true,
    };
    // request-doNotPerform's only context is NutritionOrder, so both placements are also out of context.
    expect(findings({ ...request, extension: [doNotPerform] })).toEqual([
      ['ServiceRequest.extension[0]', 'extension'],
      ['ServiceRequest.extension[0]', 'extension'],
    ]);
    const birthPlace = {
      url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace',
      valueAddress: { city: 'x' },
    };
    expect(findings({ ...patient(), modifierExtension: [birthPlace] })).toEqual([
      ['Patient.modifierExtension[0]', 'extension'],
    ]);
  });
});

describe('a code bound to a required value set (Terminology_TX_Code_ValueSet_MISSING)', () => {
  it('needs a value even when an extension says why it is absent', () => {
    const absent = { extension: [{ url: DAR, valueCode: 'unknown' }] };
    expect(findings({ ...observationString(), status: undefined, _status: absent })).toEqual([
      ['Observation._status', 'binding'],
    ]);
    expect(findings({ ...patient(), telecom: [{ _system: absent, value: '1' }] })).toEqual([
      ['Patient.telecom[0]._system', 'binding'],
    ]);
  });
});
