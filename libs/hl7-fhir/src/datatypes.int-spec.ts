import { FHIR_SERVER_TIMEOUT_MS, fhirServer, hapiErrors, hapiValidate } from '@meridian/testing';
import { CASES } from './datatype-cases';
import { convertText } from './test-support';

/**
 * HAPI FHIR's R4 validator on the Bundles of the code, identifier and composite datatype rules
 * (local codes under HL7 tables, OID authorities valid and invalid, sub-components everywhere): a
 * strict server must accept every one with zero errors.
 */
describe("HAPI FHIR's R4 validator accepts the code, identifier and datatype rule messages", () => {
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await fhirServer();
  }, FHIR_SERVER_TIMEOUT_MS);

  it.each(Object.entries(CASES))('%s', async (name, text) => {
    const { bundle } = convertText(text);
    const errors = hapiErrors(await hapiValidate(baseUrl, bundle)).map((e) => `${e.location}: ${e.message}`);
    expect([name, errors]).toEqual([name, []]);
  });

  it('and HAPI refuses the OID the converter refuses to write', async () => {
    const issues = await hapiValidate(baseUrl, {
      resourceType: 'Patient',
      identifier: [{ system: 'urn:oid:2.4', value: '88' }],
    } as fhir4.Patient);
    expect(hapiErrors(issues).map((i) => i.message)).toEqual([expect.stringContaining('OIDs must be valid')]);
  });
});
