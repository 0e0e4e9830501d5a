import { BadRequestException } from '@nestjs/common';
import { bounded, instantOf, limitOf, offsetOf, versionOf } from './query';

describe('versionOf', () => {
  it.each([
    ['"3"', 3],
    ['W/"12"', 12],
    ['7', 7],
    [' "4" ', 4],
  ])('reads %s as version %d', (header, version) => {
    expect(versionOf(header)).toBe(version);
  });

  it.each([[undefined], ['*']])('takes %p as any version', (header) => {
    expect(versionOf(header)).toBeUndefined();
  });

  it.each([[''], ['"abc"'], ['"-1"'], ['"1", "2"'], ['"3'], ['W/3'], ['"1.5"'], ['"99999999999999999999"']])(
    'refuses %p with a 400 naming If-Match',
    (header) => {
      let refusal: unknown;
      try {
        versionOf(header);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(BadRequestException);
      expect(JSON.stringify((refusal as BadRequestException).getResponse())).toContain('If-Match: must be');
    },
  );
});

describe('instantOf', () => {
  it('reads an RFC 3339 time', () => {
    expect(instantOf('2026-01-01T12:00:00+01:00').toISOString()).toBe('2026-01-01T11:00:00.000Z');
  });

  it('reads a leap second as the second after :59', () => {
    expect(instantOf('2016-12-31T23:59:60Z').toISOString()).toBe('2017-01-01T00:00:00.000Z');
    expect(instantOf('2016-12-31T23:59:60.5Z').toISOString()).toBe('2017-01-01T00:00:00.500Z');
    expect(instantOf('2016-12-31T18:59:60-05:00').toISOString()).toBe('2017-01-01T00:00:00.000Z');
  });
});

describe('bounded', () => {
  it('keeps a value inside the range, caps one above it', () => {
    expect(bounded('42', 1, 100)).toBe(42);
    expect(bounded('0', 1, 100)).toBe(0);
    expect(bounded('1000', 1, 100)).toBe(100);
  });

  it('falls back for absent, negative or non-numeric values', () => {
    expect(bounded(undefined, 7, 100)).toBe(7);
    expect(bounded('-5', 7, 100)).toBe(7);
    expect(bounded('ten', 7, 100)).toBe(7);
  });
});

describe('limitOf / offsetOf', () => {
  it('gives a list limit of 1–500, default 100', () => {
    expect(limitOf(undefined)).toBe(100);
    expect(limitOf('0')).toBe(1);
    expect(limitOf('20')).toBe(20);
    expect(limitOf('9999')).toBe(500);
  });

  it('gives an offset of 0 or more, default 0', () => {
    expect(offsetOf(undefined)).toBe(0);
    expect(offsetOf('-1')).toBe(0);
    expect(offsetOf('250')).toBe(250);
  });
});
