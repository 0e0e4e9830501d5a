import {
  DATE_INPUT_FORMATS,
  DATE_OUTPUT_FORMATS,
  DateInputFormat,
  DateOutputFormat,
  formatDate,
  formatIso,
  fromEpochMillis,
  parseDateTime,
  PartialDateTime,
  toEpochMillis,
} from './date-time';
import { JsonValue } from './json-value';
import { argOr, expected, fail, ok, TransformDefinition, TransformOutcome } from './transform-definition';

/** Dates arrive as strings, and HL7 dates sometimes as JSON numbers (20240315). */
function parseInput(
  value: JsonValue | undefined,
  format: DateInputFormat,
): TransformOutcome | PartialDateTime {
  const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
  if (typeof text !== 'string') return expected('a date string', value);
  const parsed = parseDateTime(text, format);
  return parsed.ok ? parsed.value : fail(parsed.reason);
}

const isOutcome = (value: TransformOutcome | PartialDateTime): value is TransformOutcome => 'ok' in value;

export const DATE_TRANSFORMS: readonly TransformDefinition[] = [
  {
    name: 'date_to_iso',
    summary:
      'HL7 TS/DTM, ISO 8601 or MM/DD/YYYY (or the one `format` named) to ISO 8601 at the same precision; ' +
      '`offset` (`Z`, `-05:00`) is added to times that have none.',
    params: [
      { name: 'format', type: 'string', oneOf: DATE_INPUT_FORMATS, optional: true },
      {
        name: 'offset',
        type: 'string',
        optional: true,
        pattern: { regex: /^(Z|[+-](0\d|1[0-4]):[0-5]\d)$/, description: 'Z or ±hh:mm' },
      },
    ],
    elementwise: true,
    apply: (value, args) => {
      const parsed = parseInput(value, argOr(args, 0, 'auto') as DateInputFormat);
      if (isOutcome(parsed)) return parsed;
      const offset = args[1];
      const withOffset =
        typeof offset === 'string' && parsed.hour !== undefined && parsed.offset === undefined
          ? { ...parsed, offset }
          : parsed;
      return ok(formatIso(withOffset));
    },
  },
  {
    name: 'date_from_iso',
    summary:
      'ISO 8601 to `format`: `hl7` (default; keeps the precision and offset), `YYYYMMDD`, `YYYY-MM-DD`, ' +
      '`MM/DD/YYYY` or `DD/MM/YYYY` (these need a full date; any time is dropped).',
    params: [{ name: 'format', type: 'string', oneOf: DATE_OUTPUT_FORMATS, optional: true }],
    elementwise: true,
    apply: (value, args) => {
      const parsed = parseInput(value, 'iso');
      if (isOutcome(parsed)) return parsed;
      const formatted = formatDate(parsed, argOr(args, 0, 'hl7') as DateOutputFormat);
      return formatted.ok ? ok(formatted.text) : fail(formatted.reason);
    },
  },
  {
    name: 'date_to_unix',
    summary:
      'A date or date-time (any form date_to_iso reads, at least to the day) to seconds (or `unit` `ms`) since ' +
      '1970-01-01T00:00:00Z; values without an offset are read as UTC.',
    params: [{ name: 'unit', type: 'string', oneOf: ['s', 'ms'], optional: true }],
    elementwise: true,
    apply: (value, args) => {
      const parsed = parseInput(value, 'auto');
      if (isOutcome(parsed)) return parsed;
      const epoch = toEpochMillis(parsed);
      if (!epoch.ok) return fail(epoch.reason);
      return ok((argOr(args, 0, 's') as string) === 'ms' ? epoch.millis : Math.floor(epoch.millis / 1000));
    },
  },
  {
    name: 'date_from_unix',
    summary: 'Seconds (or `unit` `ms`) since the epoch to a UTC ISO 8601 instant (`2024-03-15T12:30:00Z`).',
    params: [{ name: 'unit', type: 'string', oneOf: ['s', 'ms'], optional: true }],
    elementwise: true,
    apply: (value, args) => {
      const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isFinite(number)) return expected('a number', value);
      const text = fromEpochMillis((argOr(args, 0, 's') as string) === 'ms' ? number : number * 1000);
      return text === undefined ? fail('timestamp is out of range') : ok(text);
    },
  },
];
