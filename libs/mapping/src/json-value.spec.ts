import { copyJson, isAbsent, isJsonObject, MAX_JSON_DEPTH } from './json-value';

describe('copyJson', () => {
  it('copies plain JSON into new objects and arrays', () => {
    const original = { a: [1, 'two', true, null, { b: {} }] };
    const copied = copyJson(original);
    expect(copied).toEqual({ ok: true, value: original });
    if (copied.ok) {
      expect(copied.value).not.toBe(original);
      expect((copied.value as typeof original).a).not.toBe(original.a);
    }
  });

  it('drops undefined properties and writes undefined array items as null, as JSON.stringify does', () => {
    expect(copyJson({ a: undefined, b: [undefined, 1] })).toEqual({ ok: true, value: { b: [null, 1] } });
    expect(copyJson(undefined)).toEqual({ ok: true, value: undefined });
  });

  it('keeps a __proto__ key as an own property and leaves prototypes alone', () => {
    const copied = copyJson(JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(copied.ok).toBe(true);
    if (copied.ok) {
      expect(Object.keys(copied.value as object)).toEqual(['__proto__']);
      expect(Object.getPrototypeOf(copied.value)).toBe(Object.prototype);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    [NaN, 'value is a number that JSON cannot hold (NaN or infinite)'],
    [{ a: [Infinity] }, 'value is a number that JSON cannot hold (NaN or infinite)'],
    [() => 1, 'value is a function, not JSON'],
    [{ a: 1n }, 'value is a bigint, not JSON'],
    [new Date(0), 'value is an object that is not plain JSON'],
    [{ a: new Map() }, 'value is an object that is not plain JSON'],
    [Symbol('s'), 'value is a symbol, not JSON'],
  ])('refuses %p', (value, reason) => {
    expect(copyJson(value)).toEqual({ ok: false, reason });
  });

  it(`refuses values nested deeper than ${MAX_JSON_DEPTH} levels instead of overflowing the stack`, () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(copyJson(deep)).toEqual({
      ok: false,
      reason: `value is nested deeper than ${MAX_JSON_DEPTH} levels`,
    });
  });
});

describe('JSON helpers', () => {
  it('isJsonObject accepts plain and null-prototype objects only', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject(Object.create(null))).toBe(true);
    expect([[], null, 'x', new Date(), new (class A {})()].map(isJsonObject)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('isAbsent is true for undefined, null and "" only', () => {
    expect([undefined, null, ''].every(isAbsent)).toBe(true);
    expect([0, false, ' ', [], {}].some(isAbsent)).toBe(false);
  });
});
