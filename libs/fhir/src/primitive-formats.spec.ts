import { checkPrimitive, compareDateTimes, isAbsoluteUri, isAcceptedOid } from './primitive-formats';

type Case = [type: string, value: unknown];

const valid: Case[] = [
  ['boolean', true],
  ['boolean', false],
  ['integer', 0],
  ['integer', -2147483648],
  ['integer', 2147483647],
  ['unsignedInt', 0],
  ['positiveInt', 1],
  ['decimal', 0.1],
  ['decimal', -12],
  ['decimal', 1e-7],
  ['string', 'Ada'],
  ['string', ' leading and trailing spaces are allowed '],
  ['string', 'tab\tand\r\nnewlines'],
  ['markdown', '**bold**\n\n- item'],
  ['code', 'female'],
  ['code', 'two words'],
  ['id', 'a-Z.0'],
  ['id', 'x'.repeat(64)],
  ['uri', 'http://hl7.org/fhir'],
  ['uri', 'urn:oid:1.2.3.4'],
  ['uri', 'urn:uuid:c757873d-ec9a-4326-a141-556f43239520#frag'],
  ['uri', 'ldap:cn=x'],
  ['url', 'https://example.org/fhir/Patient?identifier=a|b'],
  ['canonical', 'http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1'],
  ['canonical', '#vs1'],
  ['oid', 'urn:oid:2.16.840.1.113883'],
  ['oid', 'urn:oid:1.0.3.1'],
  ['oid', 'urn:oid:1.3'],
  ['uuid', 'urn:uuid:c757873d-ec9a-4326-a141-556f43239520'],
  ['date', '2024'],
  ['date', '2024-02'],
  ['date', '2024-02-29'],
  ['dateTime', '2024'],
  ['dateTime', '2024-05-01'],
  ['dateTime', '2024-05-01T10:11:12Z'],
  ['dateTime', '2024-05-01T10:11:12.345+14:00'],
  ['dateTime', '2024-05-01T23:59:60-05:00'],
  ['instant', '2024-05-01T10:11:12.1Z'],
  ['time', '23:59:59'],
  ['time', '00:00:00.5'],
  ['base64Binary', 'UHJvZ3Jlc3Mgbm90ZQ=='],
  ['base64Binary', 'ab/+'],
  ['base64Binary', 'UHJv\nZ3Jl'],
  ['xhtml', '<div xmlns="http://www.w3.org/1999/xhtml"><p>text</p></div>'],
  ['xhtml', "<div class='n' xmlns='http://www.w3.org/1999/xhtml'>text</div>"],
];

const invalid: [...Case, rule: string][] = [
  ['boolean', 'true', 'json-type'],
  ['boolean', 1, 'json-type'],
  ['integer', '12', 'json-type'],
  ['integer', 1.5, 'format'],
  ['integer', 2147483648, 'format'],
  ['integer', Number.NaN, 'json-type'],
  ['unsignedInt', -1, 'format'],
  ['positiveInt', 0, 'format'],
  ['decimal', '1.0', 'json-type'],
  ['decimal', Number.POSITIVE_INFINITY, 'json-type'],
  ['string', 12, 'json-type'],
  ['string', '', 'ele-1'],
  ['string', 'bell\u0007', 'format'],
  ['string', 'x'.repeat(1024 * 1024 + 1), 'format'],
  ['markdown', '', 'ele-1'],
  ['code', ' female', 'format'],
  ['code', 'female ', 'format'],
  ['code', 'two  spaces', 'format'],
  ['code', '', 'ele-1'],
  ['id', 'has space', 'format'],
  ['id', 'under_score', 'format'],
  ['id', 'x'.repeat(65), 'format'],
  ['uri', 'http://example.org/a b', 'format'],
  ['url', 'https://example.org/\t', 'format'],
  ['canonical', 'a b', 'format'],
  ['oid', '1.2.3', 'format'],
  ['oid', 'urn:oid:1.2.3', 'format'],
  ['uri', 'urn:oid:2.4', 'format'],
  ['uri', 'oid:2.16.840.1.113883', 'format'],
  ['uri', 'uuid:c757873d-ec9a-4326-a141-556f43239520', 'format'],
  ['uri', 'urn:uuid:not-a-uuid', 'format'],
  ['url', 'urn:oid:2.999', 'format'],
  ['canonical', 'ValueSet/x', 'format'],
  ['canonical', 'urn:uuid:C757873D-EC9A-4326-A141-556F43239520|1', 'format'],
  ['oid', 'urn:oid:3.1', 'format'],
  ['oid', 'urn:oid:1.02', 'format'],
  ['uuid', 'c757873d-ec9a-4326-a141-556f43239520', 'format'],
  ['uuid', 'urn:uuid:C757873D-EC9A-4326-A141-556F43239520', 'format'],
  ['date', '24-05-01', 'format'],
  ['date', '2024-5-1', 'format'],
  ['date', '2024-02-30', 'format'],
  ['date', '2023-02-29', 'format'],
  ['date', '1900-02-29', 'format'],
  ['date', '0000', 'format'],
  ['date', '2024-05-01T10:00:00Z', 'format'],
  ['date', 'born 1970-01-01', 'format'],
  ['dateTime', '2024-05-01T10:11:12', 'format'],
  ['dateTime', '2024-05-01T10:11Z', 'format'],
  ['dateTime', '2024-05-01 10:11:12Z', 'format'],
  ['dateTime', '2024-04-31T10:11:12Z', 'format'],
  ['dateTime', '2024-05-01T24:00:00Z', 'format'],
  ['dateTime', '2024-05-01T10:11:12+15:00', 'format'],
  ['dateTime', 20240501, 'json-type'],
  ['instant', '2024-05-01', 'format'],
  ['instant', '2024-05-01T10:11:12', 'format'],
  ['time', '24:00:00', 'format'],
  ['time', '10:11', 'format'],
  ['time', '10:11:12Z', 'format'],
  ['base64Binary', 'abc', 'format'],
  ['base64Binary', 'ab=c', 'format'],
  ['base64Binary', 'ab*d', 'format'],
  ['xhtml', '<p>text</p>', 'format'],
  ['xhtml', '<div>no namespace</div>', 'format'],
  ['string', { value: 'x' }, 'json-type'],
  ['string', ['x'], 'json-type'],
];

describe('checkPrimitive', () => {
  it.each(valid)('accepts %s %j', (type, value) => {
    expect(checkPrimitive(type, value)).toBeUndefined();
  });

  it.each(invalid.map(([type, value, rule]) => [type, String(value).slice(0, 40), value, rule]))(
    'rejects %s %s',
    (type, _shown, value, rule) => {
      const problem = checkPrimitive(type as string, value);
      expect(problem).toMatchObject({ severity: 'error', rule });
    },
  );

  it('warns about a string of whitespace only, which the spec says SHOULD not be sent', () => {
    expect(checkPrimitive('string', ' \t ')).toEqual({
      severity: 'warning',
      rule: 'format',
      message: 'string has only whitespace',
    });
  });

  it('names the type and never the value', () => {
    expect(checkPrimitive('date', '1970-02-31')?.message).toBe('not a valid R4 date (no such day)');
    expect(checkPrimitive('boolean', 'yes')?.message).toBe('boolean must be a JSON boolean');
  });
});

describe('compareDateTimes', () => {
  it.each([
    ['2024', '2025', -1],
    ['2024-05', '2024-04', 1],
    ['2024-05-01', '2024-05-01', 0],
    ['2024-05-01', '2024-05-02T00:00:00Z', -1],
    ['2024-05-01T10:00:00+02:00', '2024-05-01T09:00:00Z', -1],
    ['2024-05-01T10:00:00+02:00', '2024-05-01T08:00:00Z', 0],
    ['2024-05-01T10:00:00.5Z', '2024-05-01T10:00:00Z', 1],
    ['2024', '2024-05', undefined],
    ['2024-05-01', '2024-05-01T10:00:00Z', undefined],
  ] as const)('orders %s and %s as %s', (a, b, expected) => {
    expect(compareDateTimes(a, b)).toBe(expected);
  });
});

// Each case was sent to HAPI FHIR 8.8's $validate (org.hl7.fhir.validation 6.7.9) as Identifier.system
// `urn:oid:<case>`: "OIDs must be valid" for the refused ones. The rule (InstanceValidator): the
// ITU-T syntax, and a last arc after position 4 or a start of `1.3`.
describe('isAcceptedOid (as HAPI FHIR accepts OIDs)', () => {
  it.each([
    '2.16.840.1',
    '2.16.840.1.113883.19',
    '1.2.840.113619.6.1',
    '1.3.6.1.4.1.21367',
    '2.25.1234',
    '2.39.1',
    '0.39.1',
    '1.40.1',
    '2.999.1',
    '2.10.1',
    '2.51.1.3',
  ])('accepts %s', (oid) => expect(isAcceptedOid(oid)).toBe(true));

  it.each([
    '2.4',
    '0.1',
    '1.2',
    '1.2.3',
    '2.999',
    '2.40',
    '0.40',
    '2.1.1',
    '2.16',
    '3.1',
    '1',
    '1.02.3',
    '2.16.840.01',
    '0.0',
    '2.16.840.1.',
  ])('refuses %s', (oid) => expect(isAcceptedOid(oid)).toBe(false));
});

// HAPI's Utilities.isAbsoluteUrl, as measured on Extension.url.
describe('isAbsoluteUri (as HAPI FHIR judges Extension.url)', () => {
  it.each([
    'http://x/y',
    'https://meridian.example/x',
    'urn:x',
    'x:y',
    'mailto:a@b.c',
    'file:///x',
    'http:x',
  ])('accepts %s', (url) => expect(isAbsoluteUri(url)).toBe(true));
  it.each(['a/b', '#foo', 'HTTP://X/y', 'foo', 'x:', 'x:a b'])('refuses %s', (url) =>
    expect(isAbsoluteUri(url)).toBe(false),
  );
});
