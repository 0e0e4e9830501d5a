import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonValue } from './json-value';
import { LookupTable } from './lookup-table';
import { describeTransforms, TRANSFORMS } from './transform-catalog';
import {
  checkTransformArgs,
  runTransform,
  TransformEnvironment,
  TransformOutcome,
} from './transform-definition';

const tables = new Map([
  ['sex', new LookupTable('sex', { entries: { male: 'M', female: 'F' }, caseInsensitive: true })],
  ['status', new LookupTable('status', { entries: { A: 'active' }, default: 'unknown' })],
]);
const environment: TransformEnvironment = { table: (name) => tables.get(name) };

function run(name: string, input: JsonValue | undefined, ...args: JsonValue[]): TransformOutcome {
  const definition = TRANSFORMS.get(name);
  if (definition === undefined) throw new Error(`no transform ${name}`);
  const problems = checkTransformArgs(definition, args, (table) => tables.has(table));
  if (problems.length > 0) throw new Error(problems.join('; '));
  return runTransform(definition, input, args, environment);
}

function value(name: string, input: JsonValue | undefined, ...args: JsonValue[]): JsonValue | undefined {
  const outcome = run(name, input, ...args);
  if (!outcome.ok) throw new Error(`${name} failed: ${outcome.reason}`);
  return outcome.value;
}

function failure(name: string, input: JsonValue | undefined, ...args: JsonValue[]): string {
  const outcome = run(name, input, ...args);
  if (outcome.ok) throw new Error(`${name} did not fail`);
  return outcome.reason;
}

describe('transforms', () => {
  it('include every transform the mapping issue names', () => {
    const named = [
      'date_to_iso',
      'date_from_iso',
      'date_to_unix',
      'trim',
      'lowercase',
      'uppercase',
      'capitalize',
      'normalize_phone',
      'format_phone_us',
      'to_boolean',
      'to_number',
      'round',
      'normalize_gender',
      'json_parse',
      'json_stringify',
      'full_name',
    ];
    expect(named.filter((name) => !TRANSFORMS.has(name))).toEqual([]);
  });

  it('are all documented in the README transform table', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const undocumented = [...TRANSFORMS.keys()].filter((name) => !readme.includes(`| \`${name}\``));
    expect(undocumented).toEqual([]);
    expect(describeTransforms().find((t) => t.name === 'pad_left')).toEqual({
      name: 'pad_left',
      params: ['width', 'char?'],
      summary: expect.stringContaining('Pads on the left'),
    });
  });

  it('pass absent input through as nothing (except default)', () => {
    for (const name of TRANSFORMS.keys()) {
      if (name === 'default') continue;
      const definition = TRANSFORMS.get(name);
      const args = (definition?.params ?? [])
        .filter((param) => !param.optional)
        .map((param) =>
          param.type === 'table' ? 'sex' : param.type === 'string' ? ',' : param.type === 'json' ? 0 : 1,
        );
      expect([name, run(name, undefined, ...args)]).toEqual([name, { ok: true, value: undefined }]);
      expect([name, run(name, null, ...args)]).toEqual([name, { ok: true, value: undefined }]);
    }
  });

  it('never put the value in a failure reason', () => {
    const secret = 'Zebediah-0412-PHI';
    const inputs: JsonValue[] = [secret, { name: secret }, [secret, { x: secret }], 12345.678, true];
    for (const name of TRANSFORMS.keys()) {
      const definition = TRANSFORMS.get(name);
      const args = (definition?.params ?? [])
        .filter((param) => !param.optional)
        .map((param) =>
          param.type === 'table' ? 'sex' : param.type === 'string' ? ',' : param.type === 'json' ? 0 : 1,
        );
      for (const input of inputs) {
        const outcome = run(name, input, ...args);
        if (!outcome.ok) {
          expect(outcome.reason).not.toContain(secret);
          expect(outcome.reason).not.toContain('12345');
        }
      }
    }
  });

  describe('dates', () => {
    it.each([
      ['2024', '2024'],
      ['202403', '2024-03'],
      ['20240315', '2024-03-15'],
      ['2024031514', '2024-03-15T14:00:00'],
      ['202403151430', '2024-03-15T14:30:00'],
      ['20240315143005', '2024-03-15T14:30:05'],
      ['20240315143005.1234', '2024-03-15T14:30:05.1234'],
      ['20240315143005-0500', '2024-03-15T14:30:05-05:00'],
      ['202403151430+0530', '2024-03-15T14:30:00+05:30'],
      ['2024-03-15', '2024-03-15'],
      ['2024-03', '2024-03'],
      ['2024-03-15T14:30', '2024-03-15T14:30:00'],
      ['2024-03-15T14:30:05.123Z', '2024-03-15T14:30:05.123Z'],
      ['2024-03-15 14:30:05+0100', '2024-03-15T14:30:05+01:00'],
      ['03/15/2024', '2024-03-15'],
      ['3/5/2024', '2024-03-05'],
      ['03/15/2024 14:30', '2024-03-15T14:30:00'],
      ['03/15/2024 2:30:05 PM', '2024-03-15T14:30:05'],
      ['03/15/2024 12:00 am', '2024-03-15T00:00:00'],
      [' 20240229 ', '2024-02-29'],
    ])('date_to_iso reads %j as %j', (input, expected) => {
      expect(value('date_to_iso', input)).toBe(expected);
    });

    it('date_to_iso reads HL7 dates sent as JSON numbers, a named format, and adds an offset to local times', () => {
      expect(value('date_to_iso', 20240315)).toBe('2024-03-15');
      expect(value('date_to_iso', '15/03/2024', 'DD/MM/YYYY')).toBe('2024-03-15');
      expect(value('date_to_iso', '202403151430', 'hl7', 'Z')).toBe('2024-03-15T14:30:00Z');
      expect(value('date_to_iso', '202403151430-0500', null, 'Z')).toBe('2024-03-15T14:30:00-05:00');
      expect(value('date_to_iso', '20240315', null, '-05:00')).toBe('2024-03-15');
      expect(value('date_to_iso', ['20240315', null, '2024'])).toEqual(['2024-03-15', null, '2024']);
    });

    it.each([
      ['20240230', 'day out of range'],
      ['20230229', 'day out of range'],
      ['20241301', 'month out of range'],
      ['2024031525', 'hour out of range'],
      ['202403151460', 'minute out of range'],
      ['20240315143060', 'second out of range'],
      ['20240315143000+1500', 'offset out of range'],
      ['13/01/2024', 'month out of range'],
      ['03/15/2024 13:00 PM', '12-hour clock'],
      ['yesterday', 'not a recognised date'],
      ['2024-3-15', 'not a recognised date'],
      ['2024031', 'not a recognised date'],
    ])('date_to_iso refuses %j (%s)', (input, reason) => {
      expect(failure('date_to_iso', input)).toContain(reason);
    });

    it('date_to_iso refuses a value that is not the named format, and non-strings', () => {
      expect(failure('date_to_iso', '2024-03-15', 'hl7')).toBe('value is not a hl7 date');
      expect(failure('date_to_iso', { year: 2024 })).toBe('expects a date string, got an object');
      expect(failure('date_to_iso', ['20240315', 'x'])).toBe('element 1: value is not a recognised date');
    });

    it.each([
      ['2024-03-15T14:30:05.12345-05:00', 'hl7', '20240315143005.1234-0500'],
      ['2024-03-15T14:30:00Z', 'hl7', '20240315143000+0000'],
      ['2024-03-15T14:30:00', null, '20240315143000'],
      ['2024-03', 'hl7', '202403'],
      ['2024-03-15T14:30:00Z', 'YYYYMMDD', '20240315'],
      ['2024-03-15', 'YYYY-MM-DD', '2024-03-15'],
      ['2024-03-05T23:59:00-05:00', 'MM/DD/YYYY', '03/05/2024'],
      ['2024-03-05', 'DD/MM/YYYY', '05/03/2024'],
    ])('date_from_iso writes %j as %s: %j', (input, format, expected) => {
      expect(value('date_from_iso', input, format)).toBe(expected);
    });

    it('date_from_iso needs ISO input and day precision for day formats', () => {
      expect(failure('date_from_iso', '20240315')).toBe('value is not a iso date');
      expect(failure('date_from_iso', '2024-03', 'MM/DD/YYYY')).toBe(
        'value has less than day precision, which MM/DD/YYYY needs',
      );
    });

    it('date_to_unix and date_from_unix convert through UTC', () => {
      expect(value('date_to_unix', '2024-03-15T12:00:00Z')).toBe(1710504000);
      expect(value('date_to_unix', '20240315070000-0500')).toBe(1710504000);
      expect(value('date_to_unix', '2024-03-15T12:00:00', 'ms')).toBe(1710504000000);
      expect(value('date_to_unix', '03/15/2024')).toBe(1710460800);
      expect(value('date_to_unix', '1970-01-01T00:00:00.5Z', 'ms')).toBe(500);
      expect(value('date_to_unix', '0099-01-01')).toBe(new Date('0099-01-01T00:00:00Z').getTime() / 1000);
      expect(failure('date_to_unix', '2024-03')).toBe('value has less than day precision');
      expect(value('date_from_unix', 1710504000)).toBe('2024-03-15T12:00:00Z');
      expect(value('date_from_unix', '1710504000')).toBe('2024-03-15T12:00:00Z');
      expect(value('date_from_unix', 1710504000123, 'ms')).toBe('2024-03-15T12:00:00.123Z');
      expect(failure('date_from_unix', 'soon')).toBe('expects a number, got a string');
      expect(failure('date_from_unix', 1e20)).toBe('timestamp is out of range');
    });
  });

  describe('text', () => {
    it.each([
      ['trim', '  a b  ', [], 'a b'],
      ['lowercase', 'ÄBC', [], 'äbc'],
      ['uppercase', 'straße', [], 'STRASSE'],
      ['capitalize', 'MARY-ANN o’neil  smith', [], 'Mary-Ann O’neil  Smith'],
      ['capitalize', 'élodie', [], 'Élodie'],
      ['substring', 'abcdef', [2], 'cdef'],
      ['substring', 'abcdef', [1, 3], 'bcd'],
      ['substring', '😀abc', [0, 2], '😀a'],
      ['substring', 12345, [0, 3], '123'],
      ['replace', 'a-b-c', ['-', ''], 'abc'],
      ['replace', 'a.*b', ['.*', '+'], 'a+b'],
      ['split', 'a,b,,c', [','], ['a', 'b', 'c']],
      ['join', ['a', null, '', 'b', 3], [], 'a b 3'],
      ['join', ['a', 'b'], ['-'], 'a-b'],
      ['join', 'already', [], 'already'],
      ['concat', 'John', [' ', 'Jr'], 'John Jr'],
      ['pad_left', '42', [5], '00042'],
      ['pad_left', 42, [4, ' '], '  42'],
      ['pad_left', '123456', [3], '123456'],
      ['pad_right', 'ab', [4], 'ab  '],
      ['pad_right', 'ab', [4, '.'], 'ab..'],
      ['truncate', 'abcdef', [3], 'abc'],
      ['digits_only', '(555) 123-4567', [], '5551234567'],
      ['to_string', 42, [], '42'],
      ['to_string', false, [], 'false'],
    ])('%s(%j, %j) = %j', (name, input, args, expected) => {
      expect(value(name, input as JsonValue, ...(args as JsonValue[]))).toEqual(expected);
    });

    it('apply element by element to arrays, keeping nulls', () => {
      expect(value('uppercase', ['a', null, 'b'])).toEqual(['A', null, 'B']);
      expect(value('trim', [])).toEqual([]);
    });

    it.each([
      ['trim', 5, 'expects a string, got a number'],
      ['uppercase', { a: 1 }, 'expects a string, got an object'],
      ['split', ['a'], 'expects a string, got an array', ','],
      ['join', { a: 1 }, 'expects an array, got an object'],
      ['join', [['nested']], 'expects an array of strings, found an array'],
      ['to_string', { a: 1 }, 'expects a string, number or boolean, got an object'],
      ['capitalize', [1], 'element 0: expects a string, got a number'],
    ])('%s refuses %j', (name, input, reason, ...args) => {
      expect(failure(name, input as JsonValue, ...(args as JsonValue[]))).toBe(reason);
    });
  });

  describe('values', () => {
    it.each(['y', 'Yes', 'TRUE', 't', '1', 'on', ' y ', 1, true])('to_boolean(%j) is true', (input) => {
      expect(value('to_boolean', input)).toBe(true);
    });

    it.each(['n', 'No', 'false', 'F', '0', 'off', 0, false])('to_boolean(%j) is false', (input) => {
      expect(value('to_boolean', input)).toBe(false);
    });

    it.each(['maybe', 2, 'yess', ''])('to_boolean(%j) fails', (input) => {
      expect(failure('to_boolean', input)).toBe('value is not a recognised boolean');
    });

    it.each([
      [' 42 ', 42],
      ['-1.5', -1.5],
      ['+.5', 0.5],
      ['1e3', 1000],
      [7, 7],
    ])('to_number(%j) = %j', (input, expected) => {
      expect(value('to_number', input)).toBe(expected);
    });

    it.each(['1,000', '0x10', 'Infinity', 'NaN', '12abc', true, '1e999'])('to_number(%j) fails', (input) => {
      expect(failure('to_number', input)).toBe('value is not a decimal number');
    });

    it.each([
      [2.5, [], 3],
      [-2.5, [], -3],
      [1.005, [2], 1.01],
      [1.2345, [3], 1.235],
      ['3.14159', [2], 3.14],
      [1234.5, [-2], 1200],
      [-0.4, [], 0],
      [1e-7, [8], 1e-7],
      [5e21, [2], 5e21],
    ])('round(%j, %j) = %j', (input, args, expected) => {
      expect(value('round', input, ...(args as JsonValue[]))).toBe(expected);
    });

    it('round keeps no negative zero and refuses non-numbers', () => {
      expect(Object.is(value('round', -0.4), 0)).toBe(true);
      expect(failure('round', 'abc')).toBe('value is not a decimal number');
    });

    it('default replaces absent values only', () => {
      expect(value('default', undefined, 'x')).toBe('x');
      expect(value('default', null, 0)).toBe(0);
      expect(value('default', '', { a: 1 })).toEqual({ a: 1 });
      expect(value('default', 'kept', 'x')).toBe('kept');
      expect(value('default', 0, 5)).toBe(0);
    });

    it('coalesce, first and last pick from arrays and keep other values', () => {
      expect(value('coalesce', [null, '', 'b', 'c'])).toBe('b');
      expect(value('coalesce', [null, ''])).toBeUndefined();
      expect(value('coalesce', 'x')).toBe('x');
      expect(value('first', ['a', 'b'])).toBe('a');
      expect(value('last', ['a', 'b'])).toBe('b');
      expect(value('first', [])).toBeUndefined();
      expect(value('last', 'x')).toBe('x');
    });

    it('json_parse and json_stringify round-trip, and a bad document is a failure without its text', () => {
      expect(value('json_parse', '{"a":[1,true,null]}')).toEqual({ a: [1, true, null] });
      expect(value('json_stringify', { a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
      expect(value('json_stringify', ['a'])).toBe('["a"]');
      expect(failure('json_parse', '{"ssn": 123-45')).toBe('value is not valid JSON');
      expect(failure('json_parse', 5)).toBe('expects a string, got a number');
    });

    it('json_parse keeps a __proto__ key as data without touching prototypes', () => {
      const parsed = value('json_parse', '{"__proto__": {"polluted": true}, "a": 1}') as Record<
        string,
        unknown
      >;
      expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
      expect(Object.keys(parsed)).toEqual(['__proto__', 'a']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('lookup translates codes through a table, with its default, case-insensitively when asked', () => {
      expect(value('lookup', ' MALE ', 'sex')).toBe('M');
      expect(value('lookup', ['female', 'male'], 'sex')).toEqual(['F', 'M']);
      expect(value('lookup', 'Z', 'status')).toBe('unknown');
      expect(value('lookup', 'A', 'status')).toBe('active');
      expect(failure('lookup', 'x', 'sex')).toBe('code is not in lookup table "sex"');
      expect(failure('lookup', 'constructor', 'sex')).toBe('code is not in lookup table "sex"');
      expect(failure('lookup', { a: 1 }, 'sex')).toBe(
        'expects a code (string, number or boolean), got an object',
      );
    });
  });

  describe('people', () => {
    it.each([
      ['M', 'male'],
      ['male', 'male'],
      [' Man ', 'male'],
      ['F', 'female'],
      ['Female', 'female'],
      ['woman', 'female'],
      ['O', 'other'],
      ['A', 'other'],
      ['N', 'other'],
      ['x', 'other'],
      ['Non-binary', 'other'],
      ['U', 'unknown'],
      ['unk', 'unknown'],
    ])('normalize_gender(%j) = %j', (input, expected) => {
      expect(value('normalize_gender', input)).toBe(expected);
    });

    it('normalize_gender refuses codes it does not know', () => {
      expect(failure('normalize_gender', 'Q')).toBe('value is not a recognised gender');
      expect(failure('normalize_gender', 1)).toBe('expects a string, got a number');
    });

    const humanName = {
      use: 'official',
      prefix: ['Dr'],
      given: ['John', 'Quincy'],
      family: 'Smith',
      suffix: ['Jr'],
    };

    it('full_name writes a HumanName in either order', () => {
      expect(value('full_name', humanName)).toBe('Dr John Quincy Smith Jr');
      expect(value('full_name', humanName, 'family, given')).toBe('Smith, John Quincy');
      expect(value('full_name', { given: 'Ann', family: 'Lee' })).toBe('Ann Lee');
      expect(value('full_name', { family: 'Lee' }, 'family, given')).toBe('Lee');
      expect(value('full_name', { given: [' Ann ', null, ''] })).toBe('Ann');
      expect(value('full_name', '  Already Formatted ')).toBe('Already Formatted');
    });

    it('full_name picks the official name, else the usual one, else the first, and falls back to text', () => {
      const nick = { use: 'nickname', given: ['Jack'] };
      const usual = { use: 'usual', given: ['Johnny'], family: 'Smith' };
      expect(value('full_name', [nick, usual, humanName])).toBe('Dr John Quincy Smith Jr');
      expect(value('full_name', [nick, usual])).toBe('Johnny Smith');
      expect(value('full_name', [nick])).toBe('Jack');
      expect(value('full_name', { text: 'John Smith' })).toBe('John Smith');
    });

    it('full_name refuses values without name parts', () => {
      expect(failure('full_name', {})).toBe('name has no parts');
      expect(failure('full_name', { given: [1] })).toBe('name parts must be strings or arrays of strings');
      expect(failure('full_name', 5)).toBe('expects a name object or an array of them, got a number');
      expect(failure('full_name', [])).toBe('expects a name object or an array of them, got an array');
    });

    it.each([
      ['(555) 234-5678', [], '+15552345678'],
      ['555.234.5678', [], '+15552345678'],
      ['1-555-234-5678', [], '+15552345678'],
      ['+1 555 234 5678', [], '+15552345678'],
      ['555-234-5678 x123', [], '+15552345678'],
      ['tel:+15552345678', [], '+15552345678'],
      ['011 44 20 7946 0958', [], '+442079460958'],
      [5552345678, [], '+15552345678'],
      ['020 7946 0958', ['GB'], '+442079460958'],
      ['+44 (0)20 7946 0958'.replace('(0)', ''), ['GB'], '+442079460958'],
      ['0044 20 7946 0958', ['GB'], '+442079460958'],
      ['030 123456', ['DE'], '+4930123456'],
      ['06 12 34 56 78', ['FR'], '+33612345678'],
      ['06 1234 5678', ['IT'], '+390612345678'],
      ['(555) 234-5678', ['CA'], '+15552345678'],
    ])('normalize_phone(%j, %j) = %j', (input, args, expected) => {
      expect(value('normalize_phone', input, ...(args as JsonValue[]))).toBe(expected);
    });

    it.each([
      ['555-1234', 'North American numbers have 10 digits'],
      ['(155) 234-5678', 'area codes and exchanges cannot start with 0 or 1'],
      ['(555) 134-5678', 'area codes and exchanges cannot start with 0 or 1'],
      ['call me', 'value is not a telephone number'],
      ['555+234', 'value is not a telephone number'],
      ['+0 123 4567 890', 'country code cannot start with 0'],
      ['+44 12', 'wrong length for E.164'],
      ['+44 1234 5678 9012 345', 'wrong length for E.164'],
    ])('normalize_phone refuses %j (%s)', (input, reason) => {
      expect(failure('normalize_phone', input)).toContain(reason);
    });

    it('format_phone_us writes North American numbers as (555) 234-5678', () => {
      expect(value('format_phone_us', '5552345678')).toBe('(555) 234-5678');
      expect(value('format_phone_us', '+1 555 234 5678')).toBe('(555) 234-5678');
      expect(value('format_phone_us', '555-234-5678 ext. 89')).toBe('(555) 234-5678 x89');
      expect(failure('format_phone_us', '+44 20 7946 0958')).toBe('number is not North American');
      expect(failure('format_phone_us', '12')).toBe('North American numbers have 10 digits');
    });
  });

  describe('arguments', () => {
    const check = (name: string, args: unknown[]): string[] => {
      const definition = TRANSFORMS.get(name);
      if (definition === undefined) throw new Error(name);
      return checkTransformArgs(definition, args, (table) => tables.has(table));
    };

    it('are checked against each transform’s parameters', () => {
      expect(check('round', [2])).toEqual([]);
      expect(check('round', [null])).toEqual([]);
      expect(check('round', [2.5])).toEqual(['args[0]: round digits must be an integer']);
      expect(check('round', [16])).toEqual(['args[0]: round digits must be at most 15']);
      expect(check('round', ['2'])).toEqual(['args[0]: round digits must be a number']);
      expect(check('round', [1, 2])).toEqual(['round takes at most 1 argument']);
      expect(check('substring', [])).toEqual(['substring needs at least 1 argument']);
      expect(check('date_from_iso', ['YYYY/MM/DD'])).toEqual([
        'args[0]: date_from_iso format must be one of "hl7", "YYYYMMDD", "YYYY-MM-DD", "MM/DD/YYYY", "DD/MM/YYYY"',
      ]);
      expect(check('date_to_iso', [null, '+5'])).toEqual(['args[1]: date_to_iso offset must be Z or ±hh:mm']);
      expect(check('pad_left', [5, '00'])).toEqual(['args[1]: pad_left char must be 1 character long']);
      expect(check('replace', ['', 'x'])).toEqual([
        'args[0]: replace search must be at least 1 characters long',
      ]);
      expect(check('normalize_phone', ['XX'])[0]).toContain(
        'normalize_phone country must be one of "US", "CA"',
      );
      expect(check('lookup', ['nope'])).toEqual(['args[0]: lookup table names unknown lookup table "nope"']);
      expect(check('default', [{ a: [1] }])).toEqual([]);
      expect(check('to_boolean', [true])).toEqual(['to_boolean takes at most 0 arguments']);
      expect(check('concat', ['a', 'b', 'c'])).toEqual([]);
      expect(check('concat', ['a', 5])).toEqual(['args[1]: concat text must be a string']);
    });
  });
});
