import { copyJson, isAbsent, JsonValue } from './json-value';
import { argOr, expected, fail, ok, TransformDefinition } from './transform-definition';

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0', 'off']);

/** Decimal notation only: no hex, no thousands separators, no `Infinity`. */
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function toBoolean(value: JsonValue | undefined): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : undefined;
}

export function toNumber(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !NUMERIC.test(value.trim())) return undefined;
  const number = Number(value.trim());
  return Number.isFinite(number) ? number : undefined;
}

/**
 * Rounds half away from zero at `digits` decimals (negative: tens, hundreds…). Shifting the decimal
 * point in the number's text, not by multiplying, so 1.005 rounds to 1.01 as written.
 */
export function roundNumber(value: number, digits: number): number {
  const sign = value < 0 ? -1 : 1;
  const magnitude = Math.abs(value);
  const text = String(magnitude);
  const rounded = text.includes('e')
    ? Math.round(magnitude * 10 ** digits) / 10 ** digits
    : Number(`${Math.round(Number(`${text}e${digits}`))}e${-digits}`);
  const result = sign * rounded;
  return result === 0 ? 0 : result; // no -0 in JSON
}

export const VALUE_TRANSFORMS: readonly TransformDefinition[] = [
  {
    name: 'to_boolean',
    summary: 'true/t/yes/y/1/on → true, false/f/no/n/0/off → false (any case), and the numbers 1 and 0.',
    params: [],
    elementwise: true,
    apply: (value) => {
      const result = toBoolean(value);
      return result === undefined ? fail('value is not a recognised boolean') : ok(result);
    },
  },
  {
    name: 'to_number',
    summary: 'A decimal number in a string (`" 42.5 "`, `-1e3`) to a number; numbers are kept.',
    params: [],
    elementwise: true,
    apply: (value) => {
      const result = toNumber(value);
      return result === undefined ? fail('value is not a decimal number') : ok(result);
    },
  },
  {
    name: 'round',
    summary: 'Rounds a number (or numeric string) half away from zero to `digits` decimals (default 0).',
    params: [{ name: 'digits', type: 'integer', min: -15, max: 15, optional: true }],
    elementwise: true,
    apply: (value, args) => {
      const number = toNumber(value);
      return number === undefined
        ? fail('value is not a decimal number')
        : ok(roundNumber(number, argOr(args, 0, 0)));
    },
  },
  {
    name: 'default',
    summary: 'Replaces an absent value (missing, null or "") with `value`.',
    params: [{ name: 'value', type: 'json' }],
    elementwise: false,
    handlesAbsent: true,
    apply: (value, args) => (isAbsent(value) ? ok(args[0]) : ok(value)),
  },
  {
    name: 'coalesce',
    summary: 'The first item of an array that is not absent (missing, null or ""); other values are kept.',
    params: [],
    elementwise: false,
    apply: (value) => ok(Array.isArray(value) ? value.find((item) => !isAbsent(item)) : value),
  },
  {
    name: 'first',
    summary: 'The first item of an array; other values are kept.',
    params: [],
    elementwise: false,
    apply: (value) => ok(Array.isArray(value) ? value[0] : value),
  },
  {
    name: 'last',
    summary: 'The last item of an array; other values are kept.',
    params: [],
    elementwise: false,
    apply: (value) => ok(Array.isArray(value) ? value[value.length - 1] : value),
  },
  {
    name: 'json_parse',
    summary: 'Parses a JSON string.',
    params: [],
    elementwise: true,
    apply: (value) => {
      if (typeof value !== 'string') return expected('a string', value);
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        return fail('value is not valid JSON'); // SyntaxError's message quotes the input
      }
      const copied = copyJson(parsed);
      return copied.ok ? ok(copied.value) : fail(copied.reason);
    },
  },
  {
    name: 'json_stringify',
    summary: 'Writes any value as compact JSON text.',
    params: [],
    elementwise: false,
    apply: (value) => ok(JSON.stringify(value)),
  },
  {
    name: 'lookup',
    summary:
      'Translates a code through the lookup table `table` (its `default` for unknown codes, else an issue).',
    params: [{ name: 'table', type: 'table' }],
    elementwise: true,
    apply: (value, args, environment) => {
      const table = environment.table(args[0] as string);
      if (table === undefined) return fail('lookup table is missing');
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        return expected('a code (string, number or boolean)', value);
      }
      const result = table.get(value);
      return result.found ? ok(result.value) : fail(`code is not in lookup table "${table.name}"`);
    },
  },
];
