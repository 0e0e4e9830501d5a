import { compileMapping, ConfigProblem, MappingConfigError, tryCompileMapping } from './compile-mapping';
import { MappingConfig } from './mapping-config';

function problemsOf(config: unknown): ConfigProblem[] {
  const result = tryCompileMapping(config);
  if (result.ok) throw new Error('config compiled');
  return result.problems;
}

const lines = (problems: ConfigProblem[]): string[] => problems.map((p) => `${p.location}: ${p.message}`);

describe('compileMapping', () => {
  it('compiles a valid config into a mapper', async () => {
    const config: MappingConfig = {
      version: 1,
      fields: [{ source: 'a', target: 'b', transform: ['trim', { name: 'pad_left', args: [3] }] }],
      rules: [{ name: 'c', action: 'enrich', set: { c: 1 } }],
      lookupTables: { t: { entries: { a: 'b' } } },
    };
    const mapper = compileMapping(config);
    await expect(mapper.apply({ a: ' 7 ' })).resolves.toEqual({
      ok: true,
      output: { b: '007', c: 1 },
      errors: [],
      warnings: [],
    });
  });

  it('lists every problem of a config in one error, each with its location', () => {
    const config = {
      fields: [
        { source: 'name[0].family', target: 'lastName', transform: 'uppercase' },
        { source: 'name[0].given[0]', target: 'firstName', transform: ['trim', 'lowercas'] },
        { source: 'a..b', target: 'x' },
        {
          source: 'dob',
          target: 'dob',
          transform: { name: 'date_from_iso', args: ['YYYY/MM/DD'] },
          requried: true,
        },
        { source: 'sex', target: 'sex', transform: { name: 'lookup', args: ['genders'] } },
      ],
      rules: [
        { name: 'adult', action: 'calculate', expression: 'age >= ', target: 'adult' },
        { name: 'adult', action: 'lookup', source: 'x', table: 'nope', target: 'y' },
        { name: 'z', action: 'transmogrify' },
      ],
    };
    let error: unknown;
    try {
      compileMapping(config);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(MappingConfigError);
    const { problems, message } = error as MappingConfigError;
    expect(lines([...problems])).toEqual([
      'fields[1].transform[1]: unknown transform "lowercas" (did you mean "lowercase"?)',
      'fields[2].source: path expects a key at 2',
      'fields[3].requried: unknown property "requried" (did you mean "required"?)',
      'fields[3].transform.args[0]: date_from_iso format must be one of "hl7", "YYYYMMDD", "YYYY-MM-DD", "MM/DD/YYYY", "DD/MM/YYYY"',
      'fields[4].transform.args[0]: lookup table names unknown lookup table "genders"',
      expect.stringMatching(/^rules\[0\]\.expression: expression does not parse: .+/),
      'rules[1].name: duplicates the name of an earlier rule "adult"',
      'rules[1].table: unknown lookup table "nope"',
      'rules[2].action: must be one of "map", "calculate", "lookup", "validate", "enrich"',
    ]);
    expect(message).toMatch(
      /^invalid mapping config \(9 problems\):\n {2}fields\[1\]\.transform\[1\]: unknown transform/,
    );
  });

  it.each([
    [null, ['config: must be a JSON object']],
    [[], ['config: must be a JSON object']],
    [{}, ['config: has neither fields nor rules']],
    [{ version: 2, fields: [] }, ['version: must be 1']],
    [{ fields: {}, extra: 1 }, ['config.extra: unknown property "extra"', 'fields: must be an array']],
    [{ fields: ['a'] }, ['fields[0]: must be an object with source and target']],
    [{ fields: [{ target: 'a' }] }, ['fields[0].source: must be a path']],
    [{ fields: [{ source: [], target: 'a' }] }, ['fields[0].source: must name at least one path']],
    [{ fields: [{ source: ['a', 5], target: 'a' }] }, ['fields[0].source[1]: must be a path']],
    [
      { fields: [{ source: 'a', target: 'b.__proto__.c' }] },
      ['fields[0].target: path uses the forbidden key "__proto__"'],
    ],
    [
      { fields: [{ source: 'constructor.prototype', target: 'b' }] },
      ['fields[0].source: path uses the forbidden key "constructor"'],
    ],
    [
      { fields: [{ source: 'a', target: 'b', type: 'text', required: 'yes', description: 1 }] },
      [
        'fields[0].description: must be a string',
        'fields[0].required: must be true or false',
        'fields[0].type: must be one of "string", "number", "integer", "boolean", "date", "dateTime"',
      ],
    ],
    [
      {
        fields: [
          {
            source: 'a',
            target: 'b',
            transform: [5, { name: 'round', args: 2 }, { args: [] }, { name: 'trim', x: 1 }],
          },
        ],
      },
      [
        'fields[0].transform[0]: must be a transform name or {name, args}',
        'fields[0].transform[1].args: must be an array',
        'fields[0].transform[2].name: must be a transform name',
        'fields[0].transform[3].x: unknown property "x"',
      ],
    ],
    [
      {
        fields: [
          {
            source: 'a',
            target: 'b',
            validate: { pattern: '(a+', min: 5, max: 1, minLength: -1, maxLength: 1.5, enum: [], size: 1 },
          },
        ],
      },
      [
        'fields[0].validate.size: unknown property "size"',
        'fields[0].validate.pattern: pattern: unclosed group at 0',
        'fields[0].validate.minLength: must be a whole number, 0 or more',
        'fields[0].validate.maxLength: must be a whole number, 0 or more',
        'fields[0].validate: min is greater than max',
        'fields[0].validate.enum: must be a non-empty array of strings, numbers, booleans or null',
      ],
    ],
    [
      {
        fields: [
          { source: 'a', target: 'b', validate: { pattern: '(a)\\1', min: 'x', minLength: 3, maxLength: 2 } },
        ],
      },
      [
        'fields[0].validate.pattern: pattern: backreferences are not supported (at 3)',
        'fields[0].validate.min: must be a number',
        'fields[0].validate: minLength is greater than maxLength',
      ],
    ],
    [
      {
        lookupTables: {
          'bad name': { entries: { a: 'b' } },
          nested: { entries: { a: { b: 1 } }, default: null, caseInsensitive: 'yes' },
          cased: { entries: { M: 'male', ' m ': 'male' }, caseInsensitive: true },
          flat: 'x',
          empty: { entrys: {} },
        },
        fields: [],
      },
      [
        'lookupTables["bad name"]: name must be a letter followed by letters, digits, _ or -',
        'lookupTables.nested.entries.a: must be a string, number or boolean',
        'lookupTables.nested.default: must be a string, number or boolean',
        'lookupTables.nested.caseInsensitive: must be true or false',
        'lookupTables.cased.entries[" m "]: collides with another key once keys are trimmed (and case-folded)',
        'lookupTables.flat: must be an object with entries',
        'lookupTables.empty.entrys: unknown property "entrys" (did you mean "entries"?)',
        'lookupTables.empty.entries: must be an object of code → value',
      ],
    ],
  ])('reports problems in %j', (config, expected) => {
    expect(lines(problemsOf(config))).toEqual(expected);
  });

  it('refuses a lookup table named __proto__ as it arrives from JSON', () => {
    const config: unknown = JSON.parse(
      '{"lookupTables": {"__proto__": {"entries": {"a": "b"}}}, "fields": []}',
    );
    expect(lines(problemsOf(config))).toEqual([
      'lookupTables.__proto__: name must be a letter followed by letters, digits, _ or -',
    ]);
  });

  it.each([
    [{ name: '', action: 'enrich', set: { a: 1 } }, ['rules[0].name: must be a non-empty string']],
    [
      { name: 'r', action: 'enrich', set: {}, when: 5 },
      [
        'rules[0].when: must be a JSONata expression',
        'rules[0].set: must be a non-empty object of output path → value',
      ],
    ],
    [
      { name: 'r', action: 'enrich', set: { 'a..b': 1 }, overwrite: 'no' },
      ['rules[0].overwrite: must be true or false', 'rules[0].set["a..b"]: path expects a key at 2'],
    ],
    [
      { name: 'r', action: 'map', fields: [] },
      ['rules[0].fields: must be a non-empty array of field mappings'],
    ],
    [{ name: 'r', action: 'map', fields: [{ source: 'a' }] }, ['rules[0].fields[0].target: must be a path']],
    [
      { name: 'r', action: 'map', fields: [{ source: 'a', target: 'b' }], expression: 'x' },
      ['rules[0].expression: unknown property "expression"'],
    ],
    [{ name: 'r', action: 'calculate', target: 'a' }, ['rules[0].expression: must be a JSONata expression']],
    [
      { name: 'r', action: 'calculate', expression: '$match(a, /x/)', target: 'a' },
      ['rules[0].expression: regular expressions are not allowed in expressions (use $test(value, pattern))'],
    ],
    [
      { name: 'r', action: 'calculate', expression: '$eval(a)', target: 'a' },
      ['rules[0].expression: $eval is not allowed in expressions'],
    ],
    [
      { name: 'r', action: 'calculate', expression: "$lookupTable(a, 'nope')", target: 'a' },
      ['rules[0].expression: $lookupTable: unknown lookup table "nope"'],
    ],
    [
      { name: 'r', action: 'calculate', expression: "$transform(a, 'uppercas')", target: 'a' },
      ['rules[0].expression: $transform: unknown transform "uppercas" (did you mean "uppercase"?)'],
    ],
    [
      { name: 'r', action: 'calculate', expression: "a ~> $transform('round', 'x')", target: 'a' },
      ['rules[0].expression: $transform: args[0]: round digits must be a number'],
    ],
    [
      { name: 'r', action: 'calculate', expression: "$test(a, '(?=x)')", target: 'a' },
      ['rules[0].expression: $test: pattern: lookaround and named groups are not supported (at 0)'],
    ],
    [
      {
        name: 'r',
        action: 'lookup',
        source: 'a',
        target: 'b',
        table: 5,
        from: 'elsewhere',
        onMissing: 'shrug',
      },
      [
        'rules[0].from: must be one of "input", "output"',
        'rules[0].onMissing: must be one of "error", "warn", "ignore", "passthrough"',
        'rules[0].table: must be the name of a lookup table',
      ],
    ],
    [
      { name: 'r', action: 'validate' },
      ['rules[0]: needs an expression, or a target with required or validate'],
    ],
    [
      { name: 'r', action: 'validate', target: 'a' },
      ['rules[0]: has a target but neither required nor validate'],
    ],
    [
      { name: 'r', action: 'validate', required: true, expression: 'true', message: 1, severity: 'fatal' },
      [
        'rules[0].severity: must be one of "error", "warning"',
        'rules[0].message: must be a string',
        'rules[0]: has required or validate but no target',
      ],
    ],
    ['rule', ['rules[0]: must be an object']],
  ])('reports problems in rule %j', (rule, expected) => {
    expect(lines(problemsOf({ rules: [rule] }))).toEqual(expected);
  });

  it('neither changes nor freezes the config it was given, and later changes to it do not reach the mapper', async () => {
    const config = {
      fields: [{ source: 'a', target: 'b', default: { x: [1] }, transform: { name: 'concat', args: ['!'] } }],
      rules: [{ name: 'e', action: 'enrich', set: { c: { d: 1 } } }],
      lookupTables: { t: { entries: { a: 'b' } } },
    };
    const before = JSON.stringify(config);
    const mapper = compileMapping(config);
    expect(JSON.stringify(config)).toBe(before);
    expect(Object.isFrozen(config.fields[0].default)).toBe(false);
    config.fields[0].default.x.push(2);
    config.fields[0].transform.args[0] = '?';
    (config.rules[0].set.c as { d: number }).d = 2;
    config.lookupTables.t.entries.a = 'changed';
    await expect(mapper.apply({})).resolves.toMatchObject({ output: { b: { x: [1] }, c: { d: 1 } } });
    await expect(mapper.apply({ a: 'v' })).resolves.toMatchObject({ output: { b: 'v!' } });
  });
});
