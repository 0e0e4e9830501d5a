import { isAbsent, JsonValue } from './json-value';
import { argOr, expected, fail, ok, TransformDefinition, TransformOutcome } from './transform-definition';

/** A string, or a number written as one (ids and codes often arrive as JSON numbers). */
function textOf(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function onText(value: JsonValue | undefined, apply: (text: string) => TransformOutcome): TransformOutcome {
  const text = textOf(value);
  return text === undefined ? expected('a string', value) : apply(text);
}

function stringOnly(
  value: JsonValue | undefined,
  apply: (text: string) => JsonValue | undefined,
): TransformOutcome {
  return typeof value === 'string' ? ok(apply(value)) : expected('a string', value);
}

/** Code points, so that cutting and padding never split a surrogate pair. */
const characters = (text: string): string[] => Array.from(text);

export const TEXT_TRANSFORMS: readonly TransformDefinition[] = [
  {
    name: 'trim',
    summary: 'Removes leading and trailing white space.',
    params: [],
    elementwise: true,
    apply: (value) => stringOnly(value, (text) => text.trim()),
  },
  {
    name: 'lowercase',
    summary: 'Lower-cases a string.',
    params: [],
    elementwise: true,
    apply: (value) => stringOnly(value, (text) => text.toLowerCase()),
  },
  {
    name: 'uppercase',
    summary: 'Upper-cases a string.',
    params: [],
    elementwise: true,
    apply: (value) => stringOnly(value, (text) => text.toUpperCase()),
  },
  {
    name: 'capitalize',
    summary:
      'Upper-cases the first letter of each word and lower-cases the rest (`MARY-ANN o` → `Mary-Ann O`).',
    params: [],
    elementwise: true,
    apply: (value) =>
      stringOnly(value, (text) =>
        text
          .toLowerCase()
          .replace(
            /(^|[\s-])(\p{L})/gu,
            (_, before: string, letter: string) => before + letter.toUpperCase(),
          ),
      ),
  },
  {
    name: 'substring',
    summary: 'Characters from `start` (0-based), `length` of them or to the end.',
    params: [
      { name: 'start', type: 'integer', min: 0 },
      { name: 'length', type: 'integer', min: 0, optional: true },
    ],
    elementwise: true,
    apply: (value, args) =>
      onText(value, (text) => {
        const start = args[0] as number;
        const length = args[1];
        const chars = characters(text);
        return ok(chars.slice(start, typeof length === 'number' ? start + length : undefined).join(''));
      }),
  },
  {
    name: 'replace',
    summary:
      'Replaces every occurrence of the literal text `search` with `replacement` (no regular expressions).',
    params: [
      { name: 'search', type: 'string', min: 1 },
      { name: 'replacement', type: 'string' },
    ],
    elementwise: true,
    apply: (value, args) =>
      stringOnly(value, (text) => text.split(args[0] as string).join(args[1] as string)),
  },
  {
    name: 'split',
    summary: 'Splits a string at each `separator` into an array of strings (empty parts dropped).',
    params: [{ name: 'separator', type: 'string', min: 1 }],
    elementwise: false,
    apply: (value, args) =>
      stringOnly(value, (text) => text.split(args[0] as string).filter((part) => part.length > 0)),
  },
  {
    name: 'join',
    summary:
      'Joins an array of strings and numbers with `separator` (default a space), skipping empty items.',
    params: [{ name: 'separator', type: 'string', optional: true }],
    elementwise: false,
    apply: (value, args) => {
      if (typeof value === 'string') return ok(value);
      if (!Array.isArray(value)) return expected('an array', value);
      const parts: string[] = [];
      for (const item of value) {
        if (isAbsent(item)) continue;
        const text = textOf(item);
        if (text === undefined) {
          return fail(`expects an array of strings, found ${Array.isArray(item) ? 'an array' : typeof item}`);
        }
        parts.push(text);
      }
      return ok(parts.join(argOr(args, 0, ' ')));
    },
  },
  {
    name: 'concat',
    summary: 'Appends the arguments to the value (`concat(" Jr")`).',
    params: [{ name: 'text', type: 'string' }],
    variadic: true,
    elementwise: true,
    apply: (value, args) => onText(value, (text) => ok(text + args.join(''))),
  },
  {
    name: 'pad_left',
    summary: 'Pads on the left with `char` (default `0`) to `width` characters; longer values are kept.',
    params: [
      { name: 'width', type: 'integer', min: 1, max: 1000 },
      { name: 'char', type: 'string', length: 1, optional: true },
    ],
    elementwise: true,
    apply: (value, args) =>
      onText(value, (text) => ok(pad(text, args[0] as number, argOr(args, 1, '0'), 'left'))),
  },
  {
    name: 'pad_right',
    summary: 'Pads on the right with `char` (default a space) to `width` characters; longer values are kept.',
    params: [
      { name: 'width', type: 'integer', min: 1, max: 1000 },
      { name: 'char', type: 'string', length: 1, optional: true },
    ],
    elementwise: true,
    apply: (value, args) =>
      onText(value, (text) => ok(pad(text, args[0] as number, argOr(args, 1, ' '), 'right'))),
  },
  {
    name: 'truncate',
    summary: 'Keeps at most `length` characters.',
    params: [{ name: 'length', type: 'integer', min: 0 }],
    elementwise: true,
    apply: (value, args) =>
      stringOnly(value, (text) =>
        characters(text)
          .slice(0, args[0] as number)
          .join(''),
      ),
  },
  {
    name: 'digits_only',
    summary: 'Keeps only the digits 0-9 (SSNs, phone numbers, ids with punctuation).',
    params: [],
    elementwise: true,
    apply: (value) => onText(value, (text) => ok(text.replace(/[^0-9]/g, ''))),
  },
  {
    name: 'to_string',
    summary: 'Writes a number or boolean as a string; strings are kept (use json_stringify for objects).',
    params: [],
    elementwise: true,
    apply: (value) =>
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? ok(String(value))
        : expected('a string, number or boolean', value),
  },
];

function pad(text: string, width: number, char: string, side: 'left' | 'right'): string {
  const missing = width - characters(text).length;
  if (missing <= 0) return text;
  return side === 'left' ? char.repeat(missing) + text : text + char.repeat(missing);
}
