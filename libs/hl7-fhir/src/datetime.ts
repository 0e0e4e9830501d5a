/**
 * HL7 v2 DT/DTM/TS values (YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]) and their FHIR forms. A value that
 * is not a real date (month 13, 9 digits, hour 25) parses to undefined: callers drop it with a warning.
 */
export interface V2DateTime {
  year: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  /** Fraction of a second as sent, digits only. */
  fraction?: string;
  /** Offset in minutes east of UTC when the value carries one. */
  offsetMinutes?: number;
}

const DTM =
  /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export function parseV2DateTime(text: string | undefined): V2DateTime | undefined {
  if (text === undefined) return undefined;
  // A TS read whole from a component carries its parts as sub-components (DTM & degree of
  // precision, the latter deprecated since v2.5): the time is the first.
  const amp = text.indexOf('&');
  const m = DTM.exec(amp === -1 ? text : text.slice(0, amp));
  if (!m) return undefined;
  const n = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
  const dt: V2DateTime = { year: Number(m[1]) };
  const month = n(m[2]);
  const day = n(m[3]);
  const hour = n(m[4]);
  const minute = n(m[5]);
  const second = n(m[6]);
  if (dt.year < 1) return undefined;
  if (month !== undefined) {
    if (month < 1 || month > 12) return undefined;
    dt.month = month;
  }
  if (day !== undefined) {
    const max = month === 2 && isLeap(dt.year) ? 29 : DAYS[(month ?? 1) - 1];
    if (day < 1 || day > max) return undefined;
    dt.day = day;
  }
  if (hour !== undefined) {
    if (hour > 23) return undefined;
    dt.hour = hour;
  }
  if (minute !== undefined) {
    if (minute > 59) return undefined;
    dt.minute = minute;
  }
  if (second !== undefined) {
    if (second > 59) return undefined;
    dt.second = second;
  }
  if (m[7] !== undefined) dt.fraction = m[7];
  if (m[8] !== undefined) {
    const sign = m[8][0] === '-' ? -1 : 1;
    const oh = Number(m[8].slice(1, 3));
    const om = Number(m[8].slice(3, 5));
    if (oh > 14 || om > 59) return undefined;
    dt.offsetMinutes = sign * (oh * 60 + om);
  }
  return dt;
}

/**
 * The longest prefix of a broken DTM that is a valid date (for MSH-7 only, where some time beats
 * none): '20010331605' gives 2001-03-31.
 */
export function parseV2DateTimeLenient(text: string | undefined): V2DateTime | undefined {
  if (text === undefined) return undefined;
  const digits = /^\d+/.exec(text)?.[0] ?? '';
  for (const len of [14, 12, 10, 8, 6, 4]) {
    if (digits.length >= len) {
      const dt = parseV2DateTime(digits.slice(0, len));
      if (dt) return dt;
    }
  }
  return undefined;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** FHIR date (YYYY, YYYY-MM or YYYY-MM-DD): any time part is dropped. */
export function toFhirDate(dt: V2DateTime): string {
  let out = pad(dt.year, 4);
  if (dt.month !== undefined) out += `-${pad(dt.month)}`;
  if (dt.month !== undefined && dt.day !== undefined) out += `-${pad(dt.day)}`;
  return out;
}

/** How times without an offset are read (ConvertOptions.defaultTimeZone). */
export type TimeZonePolicy =
  | { kind: 'utc' }
  | { kind: 'fixed'; offsetMinutes: number }
  | { kind: 'iana'; zone: string; format: Intl.DateTimeFormat };

const FIXED = /^([+-])(\d{2}):?(\d{2})$/;

/** undefined when the zone is neither 'UTC'/'Z', ±hh:mm, nor an IANA zone this runtime knows. */
export function timeZonePolicy(zone: string | undefined): TimeZonePolicy | undefined {
  if (zone === undefined || zone === 'UTC' || zone === 'Z' || zone === 'Etc/UTC') return { kind: 'utc' };
  const fixed = FIXED.exec(zone);
  if (fixed) {
    const minutes = Number(fixed[2]) * 60 + Number(fixed[3]);
    if (Number(fixed[2]) > 14 || Number(fixed[3]) > 59) return undefined;
    return { kind: 'fixed', offsetMinutes: fixed[1] === '-' ? -minutes : minutes };
  }
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    return { kind: 'iana', zone, format };
  } catch {
    return undefined;
  }
}

/** Offset (minutes) of an IANA zone at a UTC instant. */
function zoneOffsetAt(format: Intl.DateTimeFormat, utcMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(new Date(utcMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/** Offset the policy gives a local wall-clock time (DST-aware for IANA zones). */
function offsetFor(dt: V2DateTime, tz: TimeZonePolicy): number | undefined {
  if (tz.kind === 'utc') return undefined;
  if (tz.kind === 'fixed') return tz.offsetMinutes;
  const local = Date.UTC(
    dt.year,
    (dt.month ?? 1) - 1,
    dt.day ?? 1,
    dt.hour ?? 0,
    dt.minute ?? 0,
    dt.second ?? 0,
  );
  const first = zoneOffsetAt(tz.format, local);
  return zoneOffsetAt(tz.format, local - first * 60000);
}

function offsetText(minutes: number | undefined): string {
  if (minutes === undefined) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function timePart(dt: V2DateTime, tz: TimeZonePolicy): string {
  const frac = dt.fraction === undefined ? '' : `.${dt.fraction}`;
  const clock = `${pad(dt.hour ?? 0)}:${pad(dt.minute ?? 0)}:${pad(dt.second ?? 0)}${frac}`;
  const offset = dt.offsetMinutes !== undefined ? dt.offsetMinutes : offsetFor(dt, tz);
  // An offset the message states is written as given (+00:00); one assumed by policy as UTC is 'Z'.
  return `T${clock}${dt.offsetMinutes !== undefined ? offsetText(offset ?? 0) : offsetText(offset)}`;
}

/**
 * FHIR dateTime: date precision stays a date; with a time, seconds are padded (FHIR has no
 * minute precision) and an offset is required, taken from the value or else from the policy.
 */
export function toFhirDateTime(dt: V2DateTime, tz: TimeZonePolicy): string {
  if (dt.hour === undefined || dt.day === undefined) return toFhirDate(dt);
  return `${toFhirDate(dt)}${timePart(dt, tz)}`;
}

/** FHIR instant: always to the second with an offset; a missing month/day/time is padded (01, 00:00:00). */
export function toFhirInstant(dt: V2DateTime, tz: TimeZonePolicy): string {
  const full: V2DateTime = { ...dt, month: dt.month ?? 1, day: dt.day ?? 1 };
  return `${toFhirDate(full)}${timePart(full, tz)}`;
}

/** FHIR time (hh:mm:ss) from an HL7 TM value (HH[MM[SS[.S…]]][+/-ZZZZ]); the offset is dropped. */
export function toFhirTime(text: string | undefined): string | undefined {
  const m = text === undefined ? null : /^(\d{2})(\d{2})?(\d{2})?(?:\.(\d{1,4}))?(?:[+-]\d{4})?$/.exec(text);
  if (!m) return undefined;
  const [h, mi, s] = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return `${pad(h)}:${pad(mi)}:${pad(s)}${m[4] ? `.${m[4]}` : ''}`;
}

/** Year … second of a parsed time, as far as it was sent. */
const PARTS = ['year', 'month', 'day', 'hour', 'minute', 'second'] as const;

/**
 * Whether `end` is at or after `start` (FHIR per-1). Times of different precision are ordered only
 * by a part both have that differs: FHIRPath cannot order `20030906` and `200309060755`, so a server
 * checking per-1 would not accept them as a period either.
 */
export function endInOrder(start: V2DateTime, end: V2DateTime, tz: TimeZonePolicy): boolean {
  if (PARTS.every((p) => (start[p] === undefined) === (end[p] === undefined))) {
    return toEpochMs(start, tz) <= toEpochMs(end, tz);
  }
  for (const p of PARTS) {
    const [a, b] = [start[p], end[p]];
    if (a === undefined || b === undefined) return false;
    if (a !== b) return a < b;
  }
  return false;
}

/** Milliseconds since the epoch (for adding durations); the policy supplies a missing offset. */
export function toEpochMs(dt: V2DateTime, tz: TimeZonePolicy): number {
  const local = Date.UTC(
    dt.year,
    (dt.month ?? 1) - 1,
    dt.day ?? 1,
    dt.hour ?? 0,
    dt.minute ?? 0,
    dt.second ?? 0,
    dt.fraction ? Number(`0.${dt.fraction}`) * 1000 : 0,
  );
  const offset = dt.offsetMinutes ?? offsetFor(dt, tz) ?? 0;
  return local - offset * 60000;
}

/** The instant `ms` as a FHIR dateTime in the offset `like` uses (its own, or the policy's). */
export function fromEpochMs(ms: number, like: V2DateTime, tz: TimeZonePolicy): string {
  const offset = like.offsetMinutes ?? offsetFor(like, tz);
  const d = new Date(ms + (offset ?? 0) * 60000);
  const dt: V2DateTime = {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
  if (like.offsetMinutes !== undefined) dt.offsetMinutes = like.offsetMinutes;
  return `${toFhirDate(dt)}${timePart(dt, offset === undefined ? { kind: 'utc' } : { kind: 'fixed', offsetMinutes: offset })}`;
}
