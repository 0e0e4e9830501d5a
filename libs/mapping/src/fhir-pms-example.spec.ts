import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileMapping } from './compile-mapping';
import { Mapper } from './mapper';

/** The example configs are plain JSON files, loaded as a service would load them from the database. */
function loadMapper(file: string): Mapper {
  return compileMapping(JSON.parse(readFileSync(join(__dirname, '..', 'examples', file), 'utf8')));
}

const fhirPatient = {
  resourceType: 'Patient',
  id: 'example-1',
  active: true,
  identifier: [
    {
      use: 'usual',
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
      system: 'urn:oid:1.2.36.146.595.217.0.1',
      value: '12345',
    },
    {
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'SS' }] },
      system: 'http://hl7.org/fhir/sid/us-ssn',
      value: '000-12-3456',
    },
  ],
  name: [
    { use: 'official', prefix: ['Mr'], family: 'CHALMERS', given: ['peter', 'JAMES'] },
    { use: 'usual', given: ['Jim'] },
  ],
  telecom: [
    { system: 'phone', value: '555-867-5309', use: 'home' },
    { system: 'phone', value: '+1 555 234 0199', use: 'mobile' },
    { system: 'email', value: ' Peter.Chalmers@Example.org ' },
  ],
  gender: 'male',
  birthDate: '1974-12-25',
  deceasedBoolean: false,
  address: [
    { use: 'home', line: ['534 Erewhon St', 'Apt 2'], city: 'Springfield', state: 'il', postalCode: '62701' },
  ],
  maritalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M' }],
  },
};

const pmsPatient = {
  patientId: '12345',
  chartNumber: '00012345',
  firstName: 'Peter',
  middleName: 'James',
  lastName: 'Chalmers',
  preferredName: 'Jim',
  displayName: 'Mr peter JAMES CHALMERS',
  sex: 'M',
  dateOfBirth: '12/25/1974',
  homePhone: '(555) 867-5309',
  mobilePhone: '(555) 234-0199',
  email: 'peter.chalmers@example.org',
  address: { street1: '534 Erewhon St', street2: 'Apt 2', city: 'Springfield', state: 'IL', zip: '62701' },
  ssnLast4: '3456',
  isDeceased: false,
  status: 'Active',
  maritalStatus: 'Married',
  age: 49,
  sourceSystem: 'meridian',
};

describe('example: a FHIR Patient to a practice-management patient and back', () => {
  const toPms = loadMapper('fhir-patient-to-pms.json');
  const toFhir = loadMapper('pms-patient-to-fhir.json');
  const context = { today: '2024-12-24' };

  it('maps the FHIR Patient to the PMS shape', async () => {
    const result = await toPms.apply(fhirPatient, { context });
    expect(result).toEqual({ ok: true, output: pmsPatient, errors: [], warnings: [] });
  });

  it('maps the PMS patient back to a FHIR Patient', async () => {
    const result = await toFhir.apply(pmsPatient);
    expect(result).toEqual({
      ok: true,
      output: {
        identifier: [
          {
            system: 'urn:oid:1.2.36.146.595.217.0.1',
            value: '12345',
            type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
          },
        ],
        name: [
          { use: 'official', given: ['Peter', 'James'], family: 'Chalmers' },
          { use: 'usual', given: ['Jim'] },
        ],
        gender: 'male',
        birthDate: '1974-12-25',
        telecom: [
          { system: 'phone', use: 'home', value: '+15558675309' },
          { system: 'phone', use: 'mobile', value: '+15552340199' },
          { system: 'email', value: 'peter.chalmers@example.org' },
        ],
        address: [
          {
            use: 'home',
            line: ['534 Erewhon St', 'Apt 2'],
            city: 'Springfield',
            state: 'IL',
            postalCode: '62701',
          },
        ],
        deceasedBoolean: false,
        resourceType: 'Patient',
        active: true,
        maritalStatus: {
          coding: [{ code: 'M', system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus' }],
        },
      },
      errors: [],
      warnings: [],
    });
  });

  it('gives the same PMS patient again after a round trip through FHIR', async () => {
    const back = await toFhir.apply(pmsPatient);
    const again = await toPms.apply(back.output, { context });
    // What FHIR → PMS derives from fields the PMS shape does not carry back is lost on the way.
    const { displayName: _display, ssnLast4: _ssn, ...kept } = pmsPatient;
    expect(again.errors).toEqual([]);
    expect(again.output).toEqual({ ...kept, displayName: 'Peter James Chalmers' });
  });

  it('reports a sparse patient’s gaps as issues, without the patient’s data', async () => {
    const sparse = {
      resourceType: 'Patient',
      active: false,
      name: [{ use: 'official', family: 'Chalmers' }],
      telecom: [{ system: 'email', value: 'not-an-email' }],
      gender: 'unknown',
      maritalStatus: { coding: [{ code: 'Q' }] },
    };
    const result = await toPms.apply(sparse, { context });
    expect(result.output).toEqual({
      lastName: 'Chalmers',
      displayName: 'Chalmers',
      sex: 'U',
      isDeceased: false,
      status: 'Inactive',
      sourceSystem: 'meridian',
    });
    expect(result.errors.map((issue) => `${issue.location} ${issue.target} ${issue.check}`)).toEqual([
      'fields[0] patientId required',
      'fields[2] firstName required',
      'fields[8] dateOfBirth required',
      'fields[11] email pattern',
    ]);
    expect(result.warnings.map((issue) => `${issue.rule}: ${issue.message}`)).toEqual([
      'marital status: code has no entry in lookup table "maritalStatus"',
      'has a phone: patient has no home or mobile phone',
    ]);
    expect(JSON.stringify(result.errors)).not.toContain('not-an-email');
  });
});
