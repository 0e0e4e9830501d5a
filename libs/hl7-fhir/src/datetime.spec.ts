import {
  parseV2DateTime,
  parseV2DateTimeLenient,
  timeZonePolicy,
  toFhirDate,
  toFhirDateTime,
  toFhirInstant,
  toFhirTime,
} from './datetime';

const utc = { kind: 'utc' } as const;
const dt = (text: string) => {
  const v = parseV2DateTime(text);
  if (!v) throw new Error(`invalid: ${text}`);
  return v;
};

describe('HL7 DTM → FHIR', () => {
  it.each([
    ['1980', '1980'],
    ['198002', '1980-02'],
    ['19800229', '1980-02-29'],
    ['198002291530', '1980-02-29'],
  ])('date %s → %s', (input, expected) => {
    expect(toFhirDate(dt(input))).toBe(expected);
  });

  it.each([
    ['1980', '1980'],
    ['198002', '1980-02'],
    ['19800229', '1980-02-29'],
    ['1980022915', '1980-02-29T15:00:00Z'],
    ['198002291530', '1980-02-29T15:30:00Z'],
    ['19800229153012', '1980-02-29T15:30:12Z'],
    ['19800229153012.1234', '1980-02-29T15:30:12.1234Z'],
    ['19800229153012-0500', '1980-02-29T15:30:12-05:00'],
    ['20240101120000.5+0530', '2024-01-01T12:00:00.5+05:30'],
    ['202401011200+0000', '2024-01-01T12:00:00+00:00'],
  ])('dateTime %s → %s (UTC policy)', (input, expected) => {
    expect(toFhirDateTime(dt(input), utc)).toBe(expected);
  });

  it.each([
    '196203520',
    '20010331605',
    '19800230',
    '19810229',
    '2024010125',
    '202401011260',
    '1980-01-01',
    'abc',
    '0000',
    '20240101+2400',
  ])('rejects %s', (input) => {
    expect(parseV2DateTime(input)).toBeUndefined();
  });

  it('instants are padded to the second with an offset', () => {
    expect(toFhirInstant(dt('2008'), utc)).toBe('2008-01-01T00:00:00Z');
    expect(toFhirInstant(dt('200805111035'), utc)).toBe('2008-05-11T10:35:00Z');
  });

  it('applies a fixed offset or an IANA zone (with daylight saving) to times without one', () => {
    const fixed = timeZonePolicy('+02:00');
    const berlin = timeZonePolicy('Europe/Berlin');
    if (!fixed || !berlin) throw new Error('policy');
    expect(toFhirDateTime(dt('202401151200'), fixed)).toBe('2024-01-15T12:00:00+02:00');
    expect(toFhirDateTime(dt('202401151200'), berlin)).toBe('2024-01-15T12:00:00+01:00');
    expect(toFhirDateTime(dt('202407151200'), berlin)).toBe('2024-07-15T12:00:00+02:00');
    // A stated offset wins over the policy.
    expect(toFhirDateTime(dt('202407151200-0400'), berlin)).toBe('2024-07-15T12:00:00-04:00');
    // Dates stay dates.
    expect(toFhirDateTime(dt('20240715'), berlin)).toBe('2024-07-15');
  });

  it('rejects unknown zones', () => {
    expect(timeZonePolicy('Mars/Olympus')).toBeUndefined();
    expect(timeZonePolicy('+25:00')).toBeUndefined();
    expect(timeZonePolicy(undefined)).toEqual(utc);
  });

  it('reads the valid date prefix of a broken MSH-7', () => {
    expect(parseV2DateTimeLenient('20010331605')).toEqual({ year: 2001, month: 3, day: 31 });
    expect(parseV2DateTimeLenient('xyz')).toBeUndefined();
  });

  it('converts TM', () => {
    expect(toFhirTime('0930')).toBe('09:30:00');
    expect(toFhirTime('093015.25')).toBe('09:30:15.25');
    expect(toFhirTime('2500')).toBeUndefined();
  });
});
