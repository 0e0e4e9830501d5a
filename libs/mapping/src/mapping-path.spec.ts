import { JsonObject } from './json-value';
import { CompiledPath, formatPath, MAX_PATH_INDEX, parsePath, readPath, writePath } from './mapping-path';

function path(text: string): CompiledPath {
  const parsed = parsePath(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.path;
}

function written(text: string, value: JsonObject[string], root: JsonObject = {}): JsonObject {
  const result = writePath(root, path(text), value);
  if (!result.ok) throw new Error(result.reason);
  return root;
}

const patient = {
  name: [
    { use: 'usual', given: ['Jack'] },
    { use: 'official', family: 'Smith', given: ['John', 'Quincy'] },
  ],
  telecom: [
    { system: 'email', value: 'j@example.com' },
    { system: 'phone', use: 'work', value: '555-0100', rank: 2 },
    { system: 'phone', use: 'home', value: '555-0199', rank: 1, preferred: true },
  ],
  identifier: [
    { type: { coding: [{ code: 'SS' }] }, value: '123-45-6789' },
    { type: { coding: [{ code: 'MR' }] }, value: 'MRN-1' },
  ],
  'first name': 'John',
  meta: { 'x.y': 1 },
};

describe('parsePath', () => {
  it.each([
    ['a', [{ kind: 'key', key: 'a' }]],
    ['a.b-c.$d.@e._f', ['a', 'b-c', '$d', '@e', '_f'].map((key) => ({ kind: 'key', key }))],
    [
      'name[0].given[1]',
      [
        { kind: 'key', key: 'name' },
        { kind: 'index', index: 0 },
        { kind: 'key', key: 'given' },
        { kind: 'index', index: 1 },
      ],
    ],
    ["['first name']", [{ kind: 'key', key: 'first name' }]],
    [
      'meta["x.y"]',
      [
        { kind: 'key', key: 'meta' },
        { kind: 'key', key: 'x.y' },
      ],
    ],
    [
      'telecom[system=\'phone\' and use = "home"].value',
      [
        { kind: 'key', key: 'telecom' },
        {
          kind: 'filter',
          conditions: [
            { path: [{ kind: 'key', key: 'system' }], value: 'phone' },
            { path: [{ kind: 'key', key: 'use' }], value: 'home' },
          ],
        },
        { kind: 'key', key: 'value' },
      ],
    ],
    [
      "identifier[type.coding[0].code='MR']",
      [
        { kind: 'key', key: 'identifier' },
        {
          kind: 'filter',
          conditions: [
            {
              path: [
                { kind: 'key', key: 'type' },
                { kind: 'key', key: 'coding' },
                { kind: 'index', index: 0 },
                { kind: 'key', key: 'code' },
              ],
              value: 'MR',
            },
          ],
        },
      ],
    ],
    [
      'a[n=-1.5e2 and b=true and c=false and d=null]',
      [
        { kind: 'key', key: 'a' },
        {
          kind: 'filter',
          conditions: [
            { path: [{ kind: 'key', key: 'n' }], value: -150 },
            { path: [{ kind: 'key', key: 'b' }], value: true },
            { path: [{ kind: 'key', key: 'c' }], value: false },
            { path: [{ kind: 'key', key: 'd' }], value: null },
          ],
        },
      ],
    ],
    [
      "a[k='it\\'s']",
      [
        { kind: 'key', key: 'a' },
        { kind: 'filter', conditions: [{ path: [{ kind: 'key', key: 'k' }], value: "it's" }] },
      ],
    ],
  ])('parses %s', (text, steps) => {
    expect(parsePath(text)).toEqual({ ok: true, path: { text, steps } });
  });

  it.each([
    ['', 'path is empty'],
    ['a.', 'expects a key at 2'],
    ['a..b', 'expects a key at 2'],
    ['.a', 'expects a key at 0'],
    ['a b', 'unexpected character at 1'],
    ['a[0', "unclosed '['"],
    ['a[-1]', 'negative index'],
    [`a[${MAX_PATH_INDEX + 1}]`, `index above ${MAX_PATH_INDEX}`],
    ['[0]', 'must start with a key'],
    ["a['b", 'unterminated string'],
    ['a[b]', "expects '=' in a filter"],
    ['a[b=c]', 'expects a quoted string, a number, true, false or null'],
    ["a[b='x' and b='y']", 'tests the same field twice'],
    ["a[b='x'][0]", 'cannot index or filter the element a filter selected'],
    ["a[b='x'][c='y']", 'cannot index or filter the element a filter selected'],
    ["a['\\n']", 'unknown escape'],
  ])('refuses %j (%s)', (text, reason) => {
    const parsed = parsePath(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it.each([
    '__proto__',
    'a.__proto__',
    'a.constructor.prototype',
    'a.prototype',
    "a['__proto__']",
    'a["constructor"]',
    "a[__proto__.x='1']",
    "a[b.constructor='1'].c",
  ])('refuses the prototype-reaching key in %s', (text) => {
    const parsed = parsePath(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(/forbidden key "(__proto__|constructor|prototype)"/);
  });
});

describe('readPath', () => {
  it.each([
    ['name[1].family', 'Smith'],
    ['name[1].given[1]', 'Quincy'],
    ['name[0].given', ['Jack']],
    ["name[use='official'].given[0]", 'John'],
    ["telecom[system='phone'].value", '555-0100'],
    ["telecom[system='phone' and use='home'].value", '555-0199'],
    ['telecom[rank=1].value', '555-0199'],
    ['telecom[preferred=true].use', 'home'],
    ["identifier[type.coding[0].code='MR'].value", 'MRN-1'],
    ["['first name']", 'John'],
    ['meta["x.y"]', 1],
  ])('reads %s', (text, expected) => {
    expect(readPath(patient, path(text))).toEqual(expected);
  });

  it.each([
    'name.family', // arrays are not entered implicitly
    'name[5].family',
    "telecom[system='fax'].value",
    "telecom[rank='1'].value", // no coercion between strings and numbers
    'name[0][0]',
    'nothing.here',
    'telecom[0].value.deeper',
  ])('reads nothing at %s', (text) => {
    expect(readPath(patient, path(text))).toBeUndefined();
  });

  it('reads own properties only, never the prototype chain', () => {
    expect(readPath({}, path('toString'))).toBeUndefined();
    expect(readPath({ a: {} }, path('a.hasOwnProperty'))).toBeUndefined();
    expect(readPath([], path("['length']"))).toBeUndefined();
    expect(readPath('text', path("['length']"))).toBeUndefined();
  });
});

describe('writePath', () => {
  it('creates objects for keys and arrays for indexes', () => {
    expect(written('name[0].given[1]', 'Q')).toEqual({ name: [{ given: [null, 'Q'] }] });
    expect(written('a.b.c', 1)).toEqual({ a: { b: { c: 1 } } });
    expect(written("['odd key'].x", true)).toEqual({ 'odd key': { x: true } });
  });

  it('says when it padded an array with null', () => {
    expect(writePath({}, path('a[2]'), 'x')).toEqual({ ok: true, paddedArray: true });
    expect(writePath({ a: ['x'] }, path('a[1]'), 'y')).toEqual({ ok: true, paddedArray: false });
  });

  it('writes into what is already there, and overwrites leaf values', () => {
    const root: JsonObject = { name: [{ family: 'Smith', given: ['John'] }] };
    written('name[0].given[1]', 'Quincy', root);
    written('name[0].family', 'Smythe', root);
    expect(root).toEqual({ name: [{ family: 'Smythe', given: ['John', 'Quincy'] }] });
  });

  it('creates a filtered element with the filter fields set when none matches', () => {
    expect(written("telecom[system='phone'].value", '555')).toEqual({
      telecom: [{ system: 'phone', value: '555' }],
    });
    expect(written("identifier[type.coding[0].code='MR' and system='urn:mrn'].value", 'M1')).toEqual({
      identifier: [{ type: { coding: [{ code: 'MR' }] }, system: 'urn:mrn', value: 'M1' }],
    });
    expect(written('a[n=1 and b=true and c=null].v', 'x')).toEqual({
      a: [{ n: 1, b: true, c: null, v: 'x' }],
    });
  });

  it('writes into the first matching element and leaves the others alone', () => {
    const root: JsonObject = {
      telecom: [
        { system: 'email', value: 'e' },
        { system: 'phone', value: 'old' },
      ],
    };
    written("telecom[system='phone'].value", 'new', root);
    written("telecom[system='phone'].use", 'home', root);
    written("telecom[system='fax'].value", 'f', root);
    expect(root).toEqual({
      telecom: [
        { system: 'email', value: 'e' },
        { system: 'phone', value: 'new', use: 'home' },
        { system: 'fax', value: 'f' },
      ],
    });
  });

  it('replaces a whole filtered element, keeping it matched by its filter', () => {
    const root: JsonObject = { telecom: [{ system: 'phone', value: 'old', use: 'work' }] };
    written("telecom[system='phone']", { value: 'new' }, root);
    expect(root).toEqual({ telecom: [{ value: 'new', system: 'phone' }] });
    const refused = writePath(root, path("telecom[system='phone']"), 'not an object');
    expect(refused).toEqual({
      ok: false,
      reason: "cannot write telecom[system='phone']: a filtered element must be an object",
    });
  });

  it.each([
    ['a.b', { a: 'text' }, 'cannot write below a: it holds a string, not an object'],
    ['a.b', { a: [] }, 'cannot write below a: it holds an array, not an object'],
    ['a[0]', { a: {} }, 'cannot write below a: it holds an object, not an array'],
    ["a[k='v'].b", { a: 5 }, 'cannot write below a: it holds a number, not an array'],
    ['a[0].b', { a: ['x'] }, 'cannot write below a[0]: it holds a string, not an object'],
  ])('refuses to write %s through the wrong kind of value', (text, root, reason) => {
    const before = JSON.stringify(root);
    expect(writePath(root as JsonObject, path(text), 1)).toEqual({ ok: false, reason });
    expect(JSON.stringify(root)).toBe(before);
  });

  it('never touches Object.prototype: forbidden keys cannot be written', () => {
    for (const text of ['__proto__.polluted', 'constructor.prototype.polluted', "a['__proto__'].polluted"]) {
      expect(parsePath(text).ok).toBe(false);
    }
    const root: JsonObject = {};
    written("a[k='v'].b", 1, root);
    expect(Object.getPrototypeOf(root.a)).toBe(Array.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('formats paths back to text', () => {
    for (const text of [
      "telecom[system='phone' and rank=1].value",
      "a['odd key'][0]",
      "x[k='it\\'s'].y",
      'a[b=null]',
    ]) {
      expect(formatPath(path(text).steps)).toBe(text);
    }
  });
});
