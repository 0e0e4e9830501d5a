import { validateFhirResource } from './fhir-validator';
import { observationQuantity } from './test-fixtures';
import { isUcumUnit } from './ucum';

// Every case was sent to HAPI FHIR 8.8's $validate as a UCUM Coding (with 800 more: every unit of
// the essence file, bare and with prefixes); HAPI and isUcumUnit agree on all but the two laxities
// listed at the end.

describe('isUcumUnit', () => {
  it.each([
    'mg/dL',
    'mmol/L',
    '10*3/uL',
    '10^3/uL',
    '%',
    'mL/min/{1.73_m2}',
    'mL/min/1.73.m2',
    '{cells}/uL',
    '[IU]/L',
    'm[IU]/mL',
    'mm[Hg]',
    'cm[H2O]',
    'Cel',
    'kg/m2',
    's-1',
    '/min',
    '/[HPF]',
    '{ratio}',
    '1',
    'ug/g{creat}',
    '[pH]',
    'meq/L',
    "'",
    'B[10.nV]',
    'KiBy',
    '{a{b}',
    'K/uL', // kelvin per microlitre: valid UCUM, whatever the sender meant
    'dB[10.nV]',
  ])('accepts %s', (unit) => expect(isUcumUnit(unit)).toBe(true));

  it.each([
    'banana',
    '(mg/dL)2',
    'mmol/LL',
    'mg/',
    '/',
    '',
    '(mg',
    '{x',
    'mg dL',
    'MG/DL',
    'kmin',
    '10**3',
    'IU/L',
    'degC',
    'mcg',
    'g..m',
    '.g',
    '2mg',
    '()',
    'µL',
  ])('refuses %s', (unit) => expect(isUcumUnit(unit)).toBe(false));

  it('is stricter than HAPI on two malformed expressions HAPI lets through', () => {
    expect(isUcumUnit('mg//dL')).toBe(false);
    expect(isUcumUnit('mg)')).toBe(false);
  });
});

describe('UCUM codes in resources ("Error processing unit")', () => {
  it('refuses a Quantity or Coding with system UCUM and a code that is not a unit', () => {
    const quantity = observationQuantity();
    quantity.valueQuantity = { value: 1, system: 'http://unitsofmeasure.org', code: 'mmol/LL' };
    expect(validateFhirResource(quantity).issues.map((issue) => [issue.path, issue.rule])).toEqual([
      ['Observation.valueQuantity.code', 'code-system'],
    ]);
    const coding = { ...observationQuantity(), valueQuantity: undefined } as Record<string, unknown>;
    coding.valueCodeableConcept = { coding: [{ system: 'http://unitsofmeasure.org', code: 'banana' }] };
    expect(validateFhirResource(coding).issues.map((issue) => [issue.path, issue.rule])).toEqual([
      ['Observation.valueCodeableConcept.coding[0].code', 'code-system'],
    ]);
  });

  it('leaves units of other systems alone', () => {
    const quantity = observationQuantity();
    quantity.valueQuantity = {
      value: 1,
      unit: 'K/uL',
      system: 'https://meridian.example/units',
      code: 'K/uL',
    };
    expect(validateFhirResource(quantity).issues).toEqual([]);
  });
});
