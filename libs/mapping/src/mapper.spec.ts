import { compileMapping, CompileOptions } from './compile-mapping';
import { JsonObject } from './json-value';
import { FieldMapping, MappingConfig, Rule } from './mapping-config';
import { MappingResult } from './mapper';

async function map(
  config: MappingConfig,
  input: unknown,
  options?: CompileOptions,
  context?: JsonObject,
): Promise<MappingResult> {
  return compileMapping(config, options).apply(input, { context });
}

const field = (
  source: string | string[],
  target: string,
  extra: Partial<FieldMapping> = {},
): FieldMapping => ({
  source,
  target,
  ...extra,
});

const patient = {
  resourceType: 'Patient',
  name: [{ use: 'official', family: 'Smith', given: ['John', 'Quincy'] }],
  telecom: [
    { system: 'email', value: 'JOHN@EXAMPLE.COM' },
    { system: 'phone', use: 'home', value: '555-234-5678' },
  ],
  identifier: [{ type: { coding: [{ code: 'MR' }] }, value: 'MRN-1' }],
  gender: 'M',
  birthDate: '19800315',
  age: '44',
  weightKg: 81.456,
  note: '',
  deceased: null,
};

describe('mapper fields', () => {
  it('maps every path form, in both directions', async () => {
    const result = await map(
      {
        fields: [
          field('name[0].family', 'lastName'),
          field('name[0].given[1]', 'middleName'),
          field("telecom[system='phone'].value", 'phone'),
          field("telecom[system='phone' and use='home'].use", 'phoneUse'),
          field("identifier[type.coding[0].code='MR'].value", 'mrn'),
          field('gender', "extension[url='urn:sex'].valueCode"),
          field('name[0].given', 'given'),
          field('name[0]', 'nameCopy'),
        ],
      },
      patient,
    );
    expect(result).toEqual({
      ok: true,
      output: {
        lastName: 'Smith',
        middleName: 'Quincy',
        phone: '555-234-5678',
        phoneUse: 'home',
        mrn: 'MRN-1',
        extension: [{ url: 'urn:sex', valueCode: 'M' }],
        given: ['John', 'Quincy'],
        nameCopy: { use: 'official', family: 'Smith', given: ['John', 'Quincy'] },
      },
      errors: [],
      warnings: [],
    });
  });

  it('neither changes the input nor shares objects with it', async () => {
    const input = JSON.parse(JSON.stringify(patient)) as typeof patient;
    const result = await map(
      {
        fields: [field('name[0]', 'name[0]'), field('gender', 'name[0].text', { transform: 'lowercase' })],
        rules: [
          {
            name: 'r',
            action: 'calculate',
            expression: '$output.name[0].family',
            target: 'name[0].family',
            transform: 'uppercase',
          },
          {
            name: 'tries to change the output',
            action: 'calculate',
            expression: '($output ~> |name|{"family": "X"}|).name[0].family',
            target: 'changed',
          },
        ],
      },
      input,
    );
    expect(result.output).toEqual({
      name: [{ use: 'official', family: 'SMITH', given: ['John', 'Quincy'], text: 'm' }],
      changed: 'X',
    });
    expect(input).toEqual(patient);
    expect((result.output.name as JsonObject[])[0]).not.toBe(input.name[0]);
  });

  it('takes the first source that has a value', async () => {
    const config: MappingConfig = {
      fields: [field(["telecom[system='fax'].value", 'note', "telecom[system='email'].value"], 'contact')],
    };
    await expect(map(config, patient)).resolves.toMatchObject({ output: { contact: 'JOHN@EXAMPLE.COM' } });
    await expect(map(config, {})).resolves.toEqual({ ok: true, output: {}, errors: [], warnings: [] });
  });

  it('runs a transform chain with arguments', async () => {
    const result = await map(
      {
        fields: [
          field('birthDate', 'dob', {
            transform: ['date_to_iso', { name: 'date_from_iso', args: ['MM/DD/YYYY'] }],
          }),
          field('weightKg', 'weight', { transform: { name: 'round', args: [1] } }),
          field("telecom[system='email'].value", 'email', { transform: ['trim', 'lowercase'] }),
          field('name[0].given', 'given', { transform: ['uppercase', { name: 'join', args: ['/'] }] }),
        ],
      },
      patient,
    );
    expect(result.output).toEqual({
      dob: '03/15/1980',
      weight: 81.5,
      email: 'john@example.com',
      given: 'JOHN/QUINCY',
    });
  });

  it('reports required values that are missing, null or empty', async () => {
    const result = await map(
      {
        fields: [
          field('nothing', 'a', { required: true }),
          field('note', 'b', { required: true }),
          field('deceased', 'c', { required: true }),
          field('name[0].family', 'd', {
            required: true,
            transform: { name: 'replace', args: ['Smith', ''] },
          }),
          field('gender', 'e', { required: true }),
        ],
      },
      patient,
    );
    expect(result.ok).toBe(false);
    expect(result.output).toEqual({ e: 'M' });
    expect(result.errors).toEqual(
      ['a', 'b', 'c', 'd'].map((target, index) => ({
        severity: 'error',
        code: 'required',
        location: `fields[${index}]`,
        target,
        check: 'required',
        message: 'required value is missing',
      })),
    );
  });

  it('fills missing values with the default, which may be null, and does not transform it', async () => {
    const result = await map(
      {
        fields: [
          field('nothing', 'status', { default: 'active', transform: 'uppercase' }),
          field('note', 'note', { default: null }),
          field('nothing', 'tags', { default: ['a'] }),
          field('gender', 'gender', { default: 'U' }),
          field('nothing', 'count', { default: '5', type: 'integer' }),
          field('nothing', 'skipped'),
        ],
      },
      patient,
    );
    expect(result).toEqual({
      ok: true,
      output: { status: 'active', note: null, tags: ['a'], gender: 'M', count: 5 },
      errors: [],
      warnings: [],
    });
  });

  it('converts to the declared type', async () => {
    const result = await map(
      {
        fields: [
          field('age', 'age', { type: 'integer' }),
          field('weightKg', 'weight', { type: 'string' }),
          field('birthDate', 'birthDate', { type: 'date' }),
          field('birthDate', 'born', { type: 'dateTime' }),
          field('flag', 'flag', { type: 'boolean' }),
          field('ids', 'ids', { type: 'number' }),
        ],
      },
      { ...patient, flag: 'Y', ids: ['1', '2.5', null], birthDate: '198003151230' },
    );
    expect(result).toMatchObject({
      ok: true,
      output: {
        age: 44,
        weight: '81.456',
        birthDate: '1980-03-15',
        born: '1980-03-15T12:30:00',
        flag: true,
        ids: [1, 2.5, null],
      },
    });
  });

  it('reports values that do not convert, naming the type but not the value', async () => {
    const result = await map(
      {
        fields: [
          field('name[0].family', 'a', { type: 'number' }),
          field('weightKg', 'b', { type: 'integer' }),
          field('name[0]', 'c', { type: 'string' }),
          field('name[0].family', 'd', { type: 'date' }),
          field('name[0].given', 'e', { type: 'boolean' }),
        ],
      },
      patient,
    );
    expect(result.output).toEqual({});
    expect(result.errors.map((issue) => [issue.code, issue.target, issue.check, issue.message])).toEqual([
      [
        'invalid_type',
        'a',
        'number',
        'cannot convert to number: expects a number, got a string that is not one',
      ],
      [
        'invalid_type',
        'b',
        'integer',
        'cannot convert to integer: expects an integer, got a fractional number',
      ],
      [
        'invalid_type',
        'c',
        'string',
        'cannot convert to string: expects a string, number or boolean, got an object',
      ],
      ['invalid_type', 'd', 'date', 'cannot convert to date: value is not a recognised date'],
      [
        'invalid_type',
        'e',
        'boolean',
        'cannot convert to boolean: item 0: expects a boolean, got a string that is not one',
      ],
    ]);
  });

  it('validates the final value and reports each failed check', async () => {
    const result = await map(
      {
        fields: [
          field('identifier[0].value', 'mrn', {
            validate: { pattern: '^MRN-\\d+$', minLength: 5, maxLength: 10 },
          }),
          field('identifier[0].value', 'bad', { validate: { pattern: '^\\d+$', maxLength: 3, enum: ['x'] } }),
          field('age', 'age', { type: 'number', validate: { min: 0, max: 40 } }),
          field('gender', 'gender', {
            transform: 'normalize_gender',
            validate: { enum: ['male', 'female'] },
          }),
          field('name[0].given', 'given', { validate: { minLength: 3 } }),
          field('gender', 'notNumber', { validate: { min: 1 } }),
        ],
      },
      patient,
    );
    expect(result.output).toEqual({ mrn: 'MRN-1', gender: 'male' });
    expect(result.errors.map((issue) => [issue.location, issue.target, issue.check, issue.message])).toEqual([
      ['fields[1]', 'bad', 'pattern', 'value does not match the pattern'],
      ['fields[1]', 'bad', 'maxLength', 'value is longer than 3'],
      ['fields[1]', 'bad', 'enum', 'value is not one of the allowed values'],
      ['fields[2]', 'age', 'max', 'value is above the maximum 40'],
      ['fields[4]', 'given', 'minLength', 'value is shorter than 3'],
      ['fields[5]', 'notNumber', 'min', 'min needs a number, got a string'],
    ]);
  });

  it('reports a failing transform at its place in the chain', async () => {
    const result = await map(
      { fields: [field('name[0].family', 'dob', { transform: ['trim', 'date_to_iso'] })] },
      patient,
    );
    expect(result.errors).toEqual([
      {
        severity: 'error',
        code: 'transform_failed',
        location: 'fields[0].transform[1]',
        target: 'dob',
        check: 'date_to_iso',
        message: 'transform "date_to_iso" failed: value is not a recognised date',
      },
    ]);
  });

  it('reports a target that runs through a value of the wrong kind, and padded arrays', async () => {
    const result = await map(
      { fields: [field('gender', 'a'), field('age', 'a.b'), field('gender', 'list[2]')] },
      patient,
    );
    expect(result.output).toEqual({ a: 'M', list: [null, null, 'M'] });
    expect(result.errors).toEqual([
      {
        severity: 'error',
        code: 'path_conflict',
        location: 'fields[1]',
        target: 'a.b',
        message: 'cannot write below a: it holds a string, not an object',
      },
    ]);
    expect(result.warnings).toEqual([
      {
        severity: 'warning',
        code: 'array_padded',
        location: 'fields[2]',
        target: 'list[2]',
        message: 'an index past the end of an array padded it with null',
      },
    ]);
  });

  it.each([null, [], 'text', 42])('reports input that is not an object (%j)', async (input) => {
    const result = await map({ fields: [field('a', 'b', { required: true })] }, input);
    expect(result.ok).toBe(false);
    expect(result.output).toEqual({});
    expect(result.errors).toEqual([expect.objectContaining({ code: 'invalid_input', location: 'input' })]);
  });

  it('does not pollute prototypes, whatever keys the data holds', async () => {
    const input: unknown = JSON.parse(
      '{"a": {"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}}',
    );
    const result = await map(
      { fields: [field('a', 'copy'), field('a', 'parsed', { transform: ['json_stringify', 'json_parse'] })] },
      input,
    );
    expect(Object.keys(result.output.copy as JsonObject)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(result.output.copy)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(result.output.parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('mapper rules', () => {
  const rules = (...list: Rule[]): MappingConfig => ({ rules: list });

  it('run in order after the fields, each seeing the output so far', async () => {
    const result = await map(
      {
        fields: [field('name[0].family', 'last')],
        rules: [
          { name: 'upper', action: 'calculate', expression: '$uppercase($output.last)', target: 'upper' },
          {
            name: 'both',
            action: 'calculate',
            expression: '$output.last & "/" & $output.upper',
            target: 'both',
          },
        ],
      },
      patient,
    );
    expect(result.output).toEqual({ last: 'Smith', upper: 'SMITH', both: 'Smith/SMITH' });
  });

  it('map: maps fields only when the condition holds', async () => {
    const config = rules(
      { name: 'male', when: "gender = 'M'", action: 'map', fields: [field('name[0].family', 'husband')] },
      { name: 'female', when: "gender = 'F'", action: 'map', fields: [field('name[0].family', 'wife')] },
      { name: 'always', action: 'map', fields: [field('gender', 'sex', { transform: 'normalize_gender' })] },
    );
    await expect(map(config, patient)).resolves.toMatchObject({ output: { husband: 'Smith', sex: 'male' } });
    await expect(map(config, { ...patient, gender: 'F' })).resolves.toMatchObject({
      output: { wife: 'Smith', sex: 'female' },
    });
  });

  it('map: issues from a rule’s fields name the rule', async () => {
    const result = await map(
      rules({ name: 'ids', action: 'map', fields: [field('nothing', 'id', { required: true })] }),
      patient,
    );
    expect(result.errors).toEqual([
      expect.objectContaining({
        location: 'rules[0].fields[0]',
        rule: 'ids',
        target: 'id',
        code: 'required',
      }),
    ]);
  });

  it('calculate: writes an expression’s value through transforms, type and validation', async () => {
    const result = await map(
      rules(
        {
          name: 'bmi',
          action: 'calculate',
          expression: 'weightKg / (1.8 * 1.8)',
          target: 'bmi',
          transform: { name: 'round', args: [1] },
        },
        { name: 'adult', action: 'calculate', expression: '$number(age) >= 18', target: 'adult' },
        {
          name: 'years',
          action: 'calculate',
          expression: 'age',
          target: 'years',
          type: 'integer',
          validate: { min: 0 },
        },
        { name: 'list', action: 'calculate', expression: 'telecom.system', target: 'systems' },
        { name: 'nothing', action: 'calculate', expression: 'missing', target: 'nothing', default: 'none' },
        { name: 'obj', action: 'calculate', expression: '{"n": $count(telecom)}', target: 'obj' },
      ),
      patient,
    );
    expect(result).toEqual({
      ok: true,
      output: {
        bmi: 25.1,
        adult: true,
        years: 44,
        systems: ['email', 'phone'],
        nothing: 'none',
        obj: { n: 2 },
      },
      errors: [],
      warnings: [],
    });
  });

  it('calculate: reports failing expressions and results JSON cannot hold, without values', async () => {
    const result = await map(
      rules(
        { name: 'cast', action: 'calculate', expression: '$number(name[0].family)', target: 'a' },
        { name: 'fn', action: 'calculate', expression: 'function($x) { $x }', target: 'b' },
        { name: 'inf', action: 'calculate', expression: '1 / 0', target: 'c' },
        { name: 'req', action: 'calculate', expression: 'missing', target: 'd', required: true },
      ),
      patient,
    );
    expect(result.output).toEqual({});
    expect(result.errors.map((issue) => [issue.code, issue.rule, issue.check, issue.message])).toEqual([
      ['expression_failed', 'cast', 'expression', 'expression failed with JSONata error D3030 at position 8'],
      ['expression_failed', 'fn', 'expression', 'expression result: value is a function, not JSON'],
      [
        'expression_failed',
        'inf',
        'expression',
        'expression result: value is a number that JSON cannot hold (NaN or infinite)',
      ],
      ['required', 'req', 'required', 'required value is missing'],
    ]);
  });

  it('lookup: translates codes from the input or the output, with every onMissing choice', async () => {
    const config: MappingConfig = {
      lookupTables: {
        sex: { entries: { M: 'male', F: 'female' } },
        status: { entries: { active: 'A' }, default: 'I', caseInsensitive: true },
      },
      fields: [field('gender', 'code')],
      rules: [
        { name: 'sex', action: 'lookup', source: 'gender', table: 'sex', target: 'sex' },
        {
          name: 'fromOutput',
          action: 'lookup',
          source: 'code',
          from: 'output',
          table: 'sex',
          target: 'sex2',
        },
        { name: 'status', action: 'lookup', source: 'state', table: 'status', target: 'status' },
        { name: 'err', action: 'lookup', source: 'other', table: 'sex', target: 'e' },
        { name: 'warn', action: 'lookup', source: 'other', table: 'sex', target: 'w', onMissing: 'warn' },
        { name: 'ignore', action: 'lookup', source: 'other', table: 'sex', target: 'i', onMissing: 'ignore' },
        {
          name: 'pass',
          action: 'lookup',
          source: 'other',
          table: 'sex',
          target: 'p',
          onMissing: 'passthrough',
        },
        { name: 'absent', action: 'lookup', source: 'nothing', table: 'sex', target: 'n' },
        { name: 'needed', action: 'lookup', source: 'nothing', table: 'sex', target: 'r', required: true },
      ],
    };
    const result = await map(config, { gender: 'M', state: ' ACTIVE ', other: 'X-secret' });
    expect(result.output).toEqual({ code: 'M', sex: 'male', sex2: 'male', status: 'A', p: 'X-secret' });
    expect(result.errors).toEqual([
      {
        severity: 'error',
        code: 'lookup_missing',
        location: 'rules[3]',
        target: 'e',
        rule: 'err',
        check: 'sex',
        message: 'code has no entry in lookup table "sex"',
      },
      {
        severity: 'error',
        code: 'required',
        location: 'rules[8]',
        target: 'r',
        rule: 'needed',
        check: 'required',
        message: 'lookup source nothing is missing',
      },
    ]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'lookup_missing', rule: 'warn', severity: 'warning' }),
    ]);
    await expect(map(config, { gender: 'F', state: 'gone' })).resolves.toMatchObject({
      output: { sex: 'female', status: 'I' },
    });
  });

  it('validate: checks output values and expressions, as errors or warnings', async () => {
    const result = await map(
      {
        fields: [field('identifier[0].value', 'mrn'), field('age', 'age', { type: 'integer' })],
        rules: [
          { name: 'mrn', action: 'validate', target: 'mrn', required: true, validate: { pattern: '^MRN-' } },
          { name: 'phone', action: 'validate', target: 'phone', required: true },
          {
            name: 'shape',
            action: 'validate',
            target: 'mrn',
            validate: { pattern: '^\\d+$' },
            severity: 'warning',
          },
          {
            name: 'adult',
            action: 'validate',
            expression: '$output.age >= 50',
            message: 'patient must be 50 or older',
          },
          { name: 'elderly', action: 'validate', expression: '$output.age >= 65', severity: 'warning' },
          { name: 'fine', action: 'validate', expression: '$output.age > 0' },
        ],
      },
      patient,
    );
    expect(result.output).toEqual({ mrn: 'MRN-1', age: 44 });
    expect(
      result.errors.map((issue) => [issue.rule, issue.code, issue.target, issue.check, issue.message]),
    ).toEqual([
      ['phone', 'required', 'phone', 'required', 'required value is missing'],
      ['adult', 'validation_failed', undefined, 'expression', 'patient must be 50 or older'],
    ]);
    expect(result.warnings.map((issue) => [issue.rule, issue.code, issue.check, issue.message])).toEqual([
      ['shape', 'validation_failed', 'pattern', 'value does not match the pattern'],
      ['elderly', 'validation_failed', 'expression', 'rule "elderly" failed'],
    ]);
  });

  it('enrich: writes constants, overwriting or only filling gaps', async () => {
    const result = await map(
      {
        fields: [field('gender', 'meta.sex'), field('resourceType', 'meta.source')],
        rules: [
          {
            name: 'system',
            action: 'enrich',
            set: { 'meta.source': 'meridian', "identifier[type='MR'].system": 'urn:mrn' },
          },
          {
            name: 'fill',
            action: 'enrich',
            overwrite: false,
            set: { 'meta.sex': 'U', 'meta.version': 1, 'meta.tags': ['a'] },
          },
        ],
      },
      patient,
    );
    expect(result.output).toEqual({
      meta: { sex: 'M', source: 'meridian', version: 1, tags: ['a'] },
      identifier: [{ type: 'MR', system: 'urn:mrn' }],
    });
  });

  it('conditions: only true runs the rule; false and nothing skip it; anything else is an issue', async () => {
    const result = await map(
      rules(
        { name: 'yes', when: 'age = "44"', action: 'enrich', set: { yes: true } },
        { name: 'no', when: 'age = "45"', action: 'enrich', set: { no: true } },
        { name: 'missing', when: 'nothing', action: 'enrich', set: { missing: true } },
        { name: 'string', when: 'gender', action: 'enrich', set: { string: true } },
        { name: 'failing', when: '$number(gender) > 1', action: 'enrich', set: { failing: true } },
      ),
      patient,
    );
    expect(result.output).toEqual({ yes: true });
    expect(
      result.errors.map((issue) => [issue.rule, issue.location, issue.check, issue.code, issue.message]),
    ).toEqual([
      ['string', 'rules[3].when', 'when', 'expression_failed', 'condition gave a string, not true or false'],
      [
        'failing',
        'rules[4].when',
        'when',
        'expression_failed',
        expect.stringMatching(/^expression failed with JSONata error D3030/),
      ],
    ]);
  });

  it('expressions can use $context, $lookupTable, $transform and $test', async () => {
    const result = await map(
      {
        lookupTables: { sex: { entries: { M: 'male' } } },
        rules: [
          {
            name: 'ctx',
            action: 'calculate',
            expression: '$context.facility & "-" & identifier[0].value',
            target: 'key',
          },
          { name: 'lookup', action: 'calculate', expression: "$lookupTable(gender, 'sex')", target: 'sex' },
          {
            name: 'unknown',
            action: 'calculate',
            expression: "$lookupTable('Q', 'sex')",
            target: 'none',
            default: 'n/a',
          },
          {
            name: 'pipe',
            action: 'calculate',
            expression: "name[0] ~> $transform('full_name', 'family, given')",
            target: 'display',
          },
          {
            name: 'args',
            action: 'calculate',
            expression: "$transform(weightKg, 'round', 2)",
            target: 'weight',
          },
          {
            name: 'test',
            action: 'calculate',
            expression: "$test(identifier[0].value, '^MRN-\\\\d+$')",
            target: 'isMrn',
          },
          { name: 'gated', when: "$test(gender, '^[MF]$')", action: 'enrich', set: { binary: true } },
        ],
      },
      patient,
      {},
      { facility: 'F1' },
    );
    expect(result).toEqual({
      ok: true,
      output: {
        key: 'F1-MRN-1',
        sex: 'male',
        none: 'n/a',
        display: 'Smith, John Quincy',
        weight: 81.46,
        isMrn: true,
        binary: true,
      },
      errors: [],
      warnings: [],
    });
  });

  it('expression functions fail without repeating data', async () => {
    const result = await map(
      {
        lookupTables: { sex: { entries: { M: 'male' } } },
        rules: [
          {
            name: 'a',
            action: 'calculate',
            expression: "$transform(name[0].family, 'date_to_iso')",
            target: 'a',
          },
          { name: 'b', action: 'calculate', expression: '$lookupTable(gender, name[0].family)', target: 'b' },
          { name: 'c', action: 'calculate', expression: '$transform(gender, name[0].family)', target: 'c' },
          { name: 'd', action: 'calculate', expression: '$test(gender, name[0].family & "(")', target: 'd' },
        ],
      },
      patient,
    );
    expect(result.errors.map((issue) => issue.message)).toEqual([
      '$transform date_to_iso: value is not a recognised date',
      '$lookupTable: unknown lookup table',
      '$transform: unknown transform',
      '$test: invalid pattern',
    ]);
  });

  it('stop a hostile expression, and stop running rules once the expression budget is spent', async () => {
    const forever = '($f := function($n) { $n > 1e12 ? $n : $f($n + 1) }; $f(0))';
    const result = await map(
      rules(
        { name: 'slow1', action: 'calculate', expression: forever, target: 'a' },
        { name: 'slow2', action: 'calculate', expression: forever, target: 'b' },
        { name: 'slow3', action: 'calculate', expression: forever, target: 'c' },
        { name: 'late', action: 'enrich', set: { late: true } },
      ),
      {},
      { expressionLimits: { timeoutMs: 20 }, applyBudgetMs: 30 },
    );
    // Which rule finds the budget spent depends on the machine's speed; what must hold is: the first
    // hostile expression is stopped by its own limit, the budget then stops the rest, nothing is written.
    expect(result.output).toEqual({});
    const outcomes = result.errors.map((issue) => [issue.rule, issue.code]);
    expect(outcomes[0]).toEqual(['slow1', 'expression_limit']);
    const last = result.errors[result.errors.length - 1];
    expect(last.code).toBe('budget_exceeded');
    expect(['slow2', 'slow3']).toContain(last.rule);
    expect(outcomes.slice(1, -1).every(([, code]) => code === 'expression_limit')).toBe(true);
    expect(last.message).toBe(
      'expressions took longer than the 30 ms budget; this and later rules did not run',
    );
  });

  it('never put input values in issues', async () => {
    const secret = {
      name: 'Zebediah Quackenbush',
      ssn: '987-65-4321',
      dob: '1901-13-45',
      phone: 'call Zebediah',
    };
    const result = await map(
      {
        lookupTables: { t: { entries: { a: 'b' } } },
        fields: [
          field('name', 'a', { type: 'number' }),
          field('dob', 'b', { transform: 'date_to_iso' }),
          field('phone', 'c', { transform: 'normalize_phone' }),
          field('ssn', 'd', { validate: { pattern: '^\\d{9}$', enum: ['x'], maxLength: 3 } }),
          field('ssn', 'e', { transform: ['json_parse'] }),
          field('name', 'f', { transform: { name: 'lookup', args: ['t'] } }),
        ],
        rules: [
          { name: 'g', action: 'lookup', source: 'ssn', table: 't', target: 'g', onMissing: 'warn' },
          { name: 'h', action: 'calculate', expression: '$error(name & ssn)', target: 'h' },
          { name: 'i', action: 'calculate', expression: 'ssn - 1', target: 'i' },
          { name: 'j', when: 'name', action: 'enrich', set: { j: 1 } },
          { name: 'k', action: 'validate', expression: 'name = "x"' },
        ],
      },
      secret,
    );
    const issues = JSON.stringify([...result.errors, ...result.warnings]);
    expect(result.errors.length + result.warnings.length).toBeGreaterThanOrEqual(12);
    for (const fragment of ['Zebediah', 'Quackenbush', '987', '4321', '1901', '13-45']) {
      expect(issues).not.toContain(fragment);
    }
  });

  it('can apply one mapper to many inputs concurrently', async () => {
    const mapper = compileMapping({
      fields: [field('n', 'n')],
      rules: [{ name: 'double', action: 'calculate', expression: '$output.n * 2', target: 'double' }],
    });
    const results = await Promise.all([1, 2, 3].map((n) => mapper.apply({ n })));
    expect(results.map((result) => result.output)).toEqual([1, 2, 3].map((n) => ({ n, double: n * 2 })));
  });
});
