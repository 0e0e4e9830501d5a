import { isUcum } from './ucum';

describe('UCUM recognition', () => {
  it.each([
    'mg/dL',
    'mg/dl',
    'mmol/L',
    'g/L',
    '%',
    'mo',
    'd',
    'a',
    'wk',
    'h',
    'min',
    '10*3/uL',
    '10^9/L',
    'U/L',
    'm[IU]/L',
    'mm[Hg]',
    'kg/m2',
    'mL/min/{1.73_m2}',
    '{cells}/uL',
    'fL',
    'pg',
    '/[HPF]',
    'Cel',
    'ng/mL',
    'umol/L',
    's-1',
  ])('%s is a clinical UCUM unit', (unit) => {
    expect(isUcum(unit)).toBe(true);
  });

  it.each([
    'K/uL',
    'C',
    'mEq/L',
    'IU/L',
    'cells/uL',
    'x10E3/uL',
    'mcg/mL',
    'oz',
    'sec',
    'hr',
    'mg /dL',
    '',
    'mg//dL',
    '(mg',
    'U123',
  ])('%s is not taken for UCUM without the sender saying so', (unit) => {
    expect(isUcum(unit)).toBe(false);
  });

  it('accepts the full atom set when the sender declares UCUM', () => {
    expect(isUcum('K', true)).toBe(true);
    expect(isUcum('[oz_av]', true)).toBe(true);
    expect(isUcum('nonsense', true)).toBe(false);
  });
});
