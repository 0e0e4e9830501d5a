import { toYaml } from './yaml-writer';

describe(toYaml.name, () => {
  it('writes nested mappings and sequences in insertion order', () => {
    expect(toYaml({ b: 1, a: { list: [1, 'two', { k: true, j: null }], empty: [], none: {} } })).toBe(
      [
        'b: 1',
        'a:',
        '  list:',
        '    - 1',
        '    - two',
        '    - k: true',
        '      j: null',
        '  empty: []',
        '  none: {}',
        '',
      ].join('\n'),
    );
  });

  it('leaves out undefined values', () => {
    expect(toYaml({ a: undefined, b: 'x' })).toBe('b: x\n');
  });

  it('quotes what YAML would otherwise read as another type', () => {
    expect(toYaml({ v: '1.0', t: '2025-01-14T08:30:00Z', y: 'yes', n: 'null', e: '' })).toBe(
      ["v: '1.0'", "t: '2025-01-14T08:30:00Z'", "'y': 'yes'", "'n': 'null'", "e: ''", ''].join('\n'),
    );
  });

  it('quotes indicators and escapes single quotes by doubling', () => {
    expect(toYaml({ ref: '#/components/x', host: '{server}', key: 'a: b', it: "'s" })).toBe(
      ["ref: '#/components/x'", "host: '{server}'", "key: 'a: b'", "it: '''s'", ''].join('\n'),
    );
  });

  it('writes multi-line text as a literal block, keeping blank lines', () => {
    expect(toYaml({ d: 'one\n\ntwo' })).toBe('d: |-\n  one\n\n  two\n');
    expect(toYaml({ d: 'one\n' })).toBe('d: |\n  one\n');
  });

  it('JSON-quotes text with control characters, such as HL7 segment separators', () => {
    expect(toYaml({ hl7: 'MSH|^~\\&|\rPID|1' })).toBe('hl7: "MSH|^~\\\\&|\\rPID|1"\n');
  });

  it('writes sequences of sequences', () => {
    expect(toYaml([[1, 2], []])).toBe('- - 1\n  - 2\n- []\n');
  });

  it('refuses values JSON could not hold', () => {
    expect(() => toYaml({ n: Number.NaN })).toThrow(TypeError);
    expect(() => toYaml({ f: () => 1 })).toThrow(TypeError);
  });
});
