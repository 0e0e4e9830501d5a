/**
 * Dates and times as healthcare systems write them, kept at the precision they were given: HL7 v2
 * `TS`/`DTM` (`YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`), ISO 8601 / FHIR (`YYYY`, `YYYY-MM`,
 * `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.sss]][Z|±hh:mm]`) and slash dates (`MM/DD/YYYY` in the US,
 * `DD/MM/YYYY` elsewhere, with an optional `hh:mm[:ss]` and AM/PM).
 *
 * Nothing here converts between zones: a time without an offset stays a local time without one.
 */
export interface PartialDateTime {
  readonly year: number;
  readonly month?: number;
  readonly day?: number;
  readonly hour?: number;
  readonly minute?: number;
  readonly second?: number;
  /** Digits after the decimal point of the seconds, as written. */
  readonly fraction?: string;
  /** `Z` or `±hh:mm`; absent for a local time. */
  readonly offset?: string;
}

export const DATE_INPUT_FORMATS = ['auto', 'hl7', 'iso', 'MM/DD/YYYY', 'DD/MM/YYYY'] as const;
export type DateInputFormat = (typeof DATE_INPUT_FORMATS)[number];

export const DATE_OUTPUT_FORMATS = ['hl7', 'YYYYMMDD', 'YYYY-MM-DD', 'MM/DD/YYYY', 'DD/MM/YYYY'] as const;
export type DateOutputFormat = (typeof DATE_OUTPUT_FORMATS)[number];

export type DateParse = { ok: true; value: PartialDateTime } | { ok: false; reason: string };

const HL7 =
  /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$/;
const ISO =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;
const SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/;

/** Parses a date or date-time; `auto` tells HL7, ISO and US slash dates apart by their shape. */
export function parseDateTime(text: string, format: DateInputFormat = 'auto'): DateParse {
  const value = text.trim();
  const kinds: Exclude<DateInputFormat, 'auto'>[] =
    format === 'auto' ? ['hl7', 'iso', 'MM/DD/YYYY'] : [format];
  for (const kind of kinds) {
    const parsed =
      kind === 'hl7' ? parseHl7(value) : kind === 'iso' ? parseIso(value) : parseSlash(value, kind);
    if (parsed !== undefined) return parsed;
  }
  return {
    ok: false,
    reason: format === 'auto' ? 'value is not a recognised date' : `value is not a ${format} date`,
  };
}

/** undefined: not this shape; otherwise the parse or why the fields are out of range. */
function parseHl7(value: string): DateParse | undefined {
  const match = HL7.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  return checked({
    year: Number(year),
    month: optionalNumber(month),
    day: optionalNumber(day),
    hour: optionalNumber(hour),
    // HL7 allows hour precision; ISO has no such form, so the minutes become 00 (see formatIso).
    minute: optionalNumber(minute),
    second: optionalNumber(second),
    fraction,
    offset: offset === undefined ? undefined : `${offset.slice(0, 3)}:${offset.slice(3)}`,
  });
}

function parseIso(value: string): DateParse | undefined {
  const match = ISO.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  return checked({
    year: Number(year),
    month: optionalNumber(month),
    day: optionalNumber(day),
    hour: optionalNumber(hour),
    minute: optionalNumber(minute),
    second: optionalNumber(second),
    fraction,
    offset: offset === undefined || offset === 'Z' ? offset : `${offset.slice(0, 3)}:${offset.slice(-2)}`,
  });
}

function parseSlash(value: string, order: 'MM/DD/YYYY' | 'DD/MM/YYYY'): DateParse | undefined {
  const match = SLASH.exec(value);
  if (!match) return undefined;
  const [, first, second, year, hourText, minute, seconds, meridiem] = match;
  let hour = optionalNumber(hourText);
  if (meridiem !== undefined && hour !== undefined) {
    if (hour < 1 || hour > 12) return { ok: false, reason: 'hour out of range for a 12-hour clock' };
    const pm = meridiem.toLowerCase() === 'pm';
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  return checked({
    year: Number(year),
    month: Number(order === 'MM/DD/YYYY' ? first : second),
    day: Number(order === 'MM/DD/YYYY' ? second : first),
    hour,
    minute: optionalNumber(minute),
    second: optionalNumber(seconds),
  });
}

function optionalNumber(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

function checked(value: PartialDateTime): DateParse {
  const { year, month, day, hour, minute, second, offset } = value;
  if (month !== undefined && (month < 1 || month > 12)) return { ok: false, reason: 'month out of range' };
  if (day !== undefined && month !== undefined && (day < 1 || day > daysInMonth(year, month))) {
    return { ok: false, reason: 'day out of range for its month' };
  }
  if (hour !== undefined && hour > 23) return { ok: false, reason: 'hour out of range' };
  if (minute !== undefined && minute > 59) return { ok: false, reason: 'minute out of range' };
  if (second !== undefined && second > 59) return { ok: false, reason: 'second out of range' };
  if (offset !== undefined && offset !== 'Z') {
    const hours = Number(offset.slice(1, 3));
    const minutes = Number(offset.slice(4, 6));
    if (hours > 14 || minutes > 59) return { ok: false, reason: 'time zone offset out of range' };
  }
  // Drop undefined members so parsed values compare equal however they were written.
  const result = Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined));
  return { ok: true, value: result as unknown as PartialDateTime };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/**
 * ISO 8601 at the value's precision, in the form FHIR `date`/`dateTime`/`instant` use: `YYYY`,
 * `YYYY-MM`, `YYYY-MM-DD`, or with a time `YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm]` (FHIR requires the
 * seconds once there is a time, so an HL7 time to the minute gets `:00`).
 */
export function formatIso(value: PartialDateTime): string {
  let text = pad(value.year, 4);
  if (value.month === undefined) return text;
  text += `-${pad(value.month)}`;
  if (value.day === undefined) return text;
  text += `-${pad(value.day)}`;
  if (value.hour === undefined) return text;
  text += `T${pad(value.hour)}:${pad(value.minute ?? 0)}:${pad(value.second ?? 0)}`;
  if (value.fraction !== undefined) text += `.${value.fraction}`;
  return text + (value.offset ?? '');
}

/** Just the date part, at the value's precision (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`). */
export function formatIsoDate(value: PartialDateTime): string {
  return formatIso({ year: value.year, month: value.month, day: value.day });
}

export type DateFormat = { ok: true; text: string } | { ok: false; reason: string };

export function formatDate(value: PartialDateTime, format: DateOutputFormat): DateFormat {
  if (format === 'hl7') return { ok: true, text: formatHl7(value) };
  if (value.month === undefined || value.day === undefined) {
    return { ok: false, reason: `value has less than day precision, which ${format} needs` };
  }
  const [year, month, day] = [pad(value.year, 4), pad(value.month), pad(value.day)];
  switch (format) {
    case 'YYYYMMDD':
      return { ok: true, text: `${year}${month}${day}` };
    case 'YYYY-MM-DD':
      return { ok: true, text: `${year}-${month}-${day}` };
    case 'MM/DD/YYYY':
      return { ok: true, text: `${month}/${day}/${year}` };
    case 'DD/MM/YYYY':
      return { ok: true, text: `${day}/${month}/${year}` };
  }
}

/** HL7 DTM at the value's precision; HL7 allows at most four fraction digits, so more are cut. */
function formatHl7(value: PartialDateTime): string {
  let text = pad(value.year, 4);
  for (const part of [value.month, value.day, value.hour, value.minute, value.second]) {
    if (part === undefined) break;
    text += pad(part);
  }
  if (value.second !== undefined && value.fraction !== undefined) text += `.${value.fraction.slice(0, 4)}`;
  if (value.hour !== undefined && value.offset !== undefined) {
    text += value.offset === 'Z' ? '+0000' : value.offset.replace(':', '');
  }
  return text;
}

/**
 * Milliseconds since the epoch. Needs at least day precision; a value without an offset is read as
 * UTC (there is no zone to read it in otherwise).
 */
export function toEpochMillis(
  value: PartialDateTime,
): { ok: true; millis: number } | { ok: false; reason: string } {
  if (value.month === undefined || value.day === undefined) {
    return { ok: false, reason: 'value has less than day precision' };
  }
  const millisecond = value.fraction === undefined ? 0 : Number(value.fraction.slice(0, 3).padEnd(3, '0'));
  let millis = Date.UTC(
    value.year,
    value.month - 1,
    value.day,
    value.hour ?? 0,
    value.minute ?? 0,
    value.second ?? 0,
    millisecond,
  );
  // Date.UTC maps years 0-99 to 1900-1999.
  if (value.year < 100) millis = new Date(millis).setUTCFullYear(value.year);
  if (value.offset !== undefined && value.offset !== 'Z') {
    const sign = value.offset.startsWith('-') ? -1 : 1;
    const minutes = Number(value.offset.slice(1, 3)) * 60 + Number(value.offset.slice(4, 6));
    millis -= sign * minutes * 60_000;
  }
  return { ok: true, millis };
}

/** UTC ISO instant for epoch milliseconds: `YYYY-MM-DDThh:mm:ssZ`, with `.sss` when not whole seconds. */
export function fromEpochMillis(millis: number): string | undefined {
  const date = new Date(millis);
  if (Number.isNaN(date.getTime())) return undefined;
  const text = date.toISOString();
  return millis % 1000 === 0 ? text.replace('.000Z', 'Z') : text;
}
