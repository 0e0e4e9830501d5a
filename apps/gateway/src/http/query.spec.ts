import { bounded, limitOf, offsetOf, versionOf } from './query';

describe('versionOf', () => {
  it.each([
    ['"3"', 3],
    ['W/"12"', 12],
    ['7', 7],
    [' "4" ', 4],
  ])('reads %s as version %d', (header, version) => {
    expect(versionOf(header)).toBe(version);
  });

  it.each([[undefined], [''], ['*'], ['"abc"'], ['"-1"'], ['"1", "2"']])('ignores %p as absent', (header) => {
    expect(versionOf(header)).toBeUndefined();
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
