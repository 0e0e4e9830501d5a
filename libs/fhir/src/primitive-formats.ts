import { knownCodeSystemHas } from './terminology/code-systems';

// R4 primitive types: their JSON representation and lexical rules (R4 datatypes.html). FHIR.js
// has regexes for some of them but without anchors (`/[0]|[-+]?[1-9][0-9]*/` accepts "x1y"), so
// they accept almost anything; these are anchored, and dates are checked against the calendar.
// Messages never quote the value.

export interface PrimitiveProblem {
  readonly severity: 'error' | 'warning';
  readonly rule: 'json-type' | 'format' | 'ele-1';
  readonly message: string;
}

// R4 regexes, anchored. The year part excludes 0000 as the spec's does.
const YEAR = '([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)';
const MONTH = '(0[1-9]|1[0-2])';
const DAY = '(0[1-9]|[1-2][0-9]|3[0-1])';
const TIME = '([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?';
const ZONE = '(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))';

const DATE_RE = new RegExp(`^${YEAR}(-${MONTH}(-${DAY})?)?$`);
const DATE_TIME_RE = new RegExp(`^${YEAR}(-${MONTH}(-${DAY}(T${TIME}${ZONE})?)?)?$`);
const INSTANT_RE = new RegExp(`^${YEAR}-${MONTH}-${DAY}T${TIME}${ZONE}$`);
const TIME_RE = new RegExp(`^${TIME}$`);
const CODE_RE = /^[^\s]+(\s[^\s]+)*$/;
const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;
const URI_RE = /^\S*$/;
const OID_RE = /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/;
// `^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, by hand: every fullUrl
// and urn:uuid reference of a Bundle goes through it, some twice.
function isUuidUrnFast(value: string): boolean {
  if (value.length !== 45 || !value.startsWith('urn:uuid:')) return false;
  for (let i = 9; i < 45; i++) {
    const c = value.charCodeAt(i);
    if (i === 17 || i === 22 || i === 27 || i === 32) {
      if (c !== 45 /* - */) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) {
      return false;
    }
  }
  return true;
}
// The R4 regex for base64Binary (`(\s*([0-9a-zA-Z\+\=]){4}\s*)+`) forgets `/`; this is RFC 4648.
const BASE64_RE = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Characters below U+0020 other than tab, LF and CR are not allowed in FHIR strings.
const CONTROL_CHARACTER_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const XHTML_DIV_RE =
  /^\s*<div(\s[^>]*)?\sxmlns\s*=\s*(["'])http:\/\/www\.w3\.org\/1999\/xhtml\2[^>]*>[\s\S]*<\/div>\s*$/;
// "Strings SHALL NOT exceed 1MB (1024*1024 characters) in size."
const MAX_STRING_LENGTH = 1024 * 1024;

const INTEGER_MIN = -2147483648;
const INTEGER_MAX = 2147483647;

const NOT_EMPTY: PrimitiveProblem = {
  severity: 'error',
  rule: 'ele-1',
  message: 'empty string is not a value (omit the element instead)',
};

function jsonType(expected: string, type: string): PrimitiveProblem {
  return { severity: 'error', rule: 'json-type', message: `${type} must be a JSON ${expected}` };
}

function format(type: string, detail = ''): PrimitiveProblem {
  return { severity: 'error', rule: 'format', message: `not a valid R4 ${type}${detail}` };
}

function checkString(value: string, type: string): PrimitiveProblem | undefined {
  if (value.length > MAX_STRING_LENGTH) return format(type, ' (longer than 1 MiB)');
  if (CONTROL_CHARACTER_RE.test(value)) return format(type, ' (control characters)');
  if (value.trim().length === 0) {
    return { severity: 'warning', rule: 'format', message: `${type} has only whitespace` };
  }
  return undefined;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** A date (or the date part of a dateTime) whose day exists in its month: no 2023-02-29. */
function isCalendarDate(value: string): boolean {
  if (value.length < 10) return true;
  const day = Number(value.slice(8, 10));
  return day <= daysInMonth(Number(value.slice(0, 4)), Number(value.slice(5, 7)));
}

function checkDate(value: string, type: string, re: RegExp): PrimitiveProblem | undefined {
  if (!re.test(value)) return format(type);
  if (!isCalendarDate(value)) return format(type, ' (no such day)');
  return undefined;
}

function checkInteger(value: number, type: string, min: number): PrimitiveProblem | undefined {
  if (!Number.isInteger(value)) return format(type, ' (not a whole number)');
  if (value < min || value > INTEGER_MAX) return format(type, ' (out of range)');
  return undefined;
}

function checkBase64(value: string): PrimitiveProblem | undefined {
  // Whitespace is allowed between groups; strip it only when present (attachments are large).
  const compact = /\s/.test(value) ? value.replace(/\s+/g, '') : value;
  return BASE64_RE.test(compact) ? undefined : format('base64Binary');
}

/**
 * Checks one primitive value (never null: the caller handles nulls) against its R4 type.
 * Returns undefined when it conforms.
 */
export function checkPrimitive(type: string, value: unknown): PrimitiveProblem | undefined {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : jsonType('boolean', type);
    case 'integer':
    case 'unsignedInt':
    case 'positiveInt':
      if (typeof value !== 'number' || !Number.isFinite(value)) return jsonType('number', type);
      return checkInteger(value, type, type === 'integer' ? INTEGER_MIN : type === 'unsignedInt' ? 0 : 1);
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : jsonType('number', type);
  }
  if (typeof value !== 'string') return jsonType('string', type);
  if (value.length === 0) return NOT_EMPTY;
  switch (type) {
    case 'string':
    case 'markdown':
      return checkString(value, type);
    case 'code':
      return CODE_RE.test(value) ? undefined : format(type, ' (surrounding or repeated whitespace)');
    case 'id':
      return ID_RE.test(value) ? undefined : format(type);
    case 'uri':
    case 'url':
    case 'canonical':
    case 'oid':
    case 'uuid':
      return checkUri(value, type);
    case 'date':
      return checkDate(value, type, DATE_RE);
    case 'dateTime':
      return checkDate(value, type, DATE_TIME_RE);
    case 'instant':
      return checkDate(value, type, INSTANT_RE);
    case 'time':
      return TIME_RE.test(value) ? undefined : format(type);
    case 'base64Binary':
      return checkBase64(value);
    case 'xhtml':
      return XHTML_DIV_RE.test(value) ? undefined : format(type, ' (must be a div in the XHTML namespace)');
    default:
      return undefined;
  }
}

// HAPI FHIR's rules for every uri-like value (InstanceValidator, org.hl7.fhir.validation 6.7): no
// `oid:`/`uuid:` without `urn:`, a `urn:oid:` is an OID it accepts, a `urn:uuid:` a lowercase UUID,
// a canonical absolute or `#fragment`; the `oid` and `uuid` types are their urn forms.
function checkUri(value: string, type: string): PrimitiveProblem | undefined {
  if (!URI_RE.test(value)) return format(type, ' (whitespace)');
  // Most values are http(s) URLs: only those starting with o or u need the prefix checks.
  const first = value.charCodeAt(0);
  if (first === 111 /* o */ && value.startsWith('oid:')) return format(type, ' (an OID is written urn:oid:)');
  if (first === 117 /* u */) {
    if (value.startsWith('uuid:')) return format(type, ' (a UUID is written urn:uuid:)');
    if (value.startsWith('urn:oid:')) {
      if (!isAcceptedOid(value.slice(8))) return format(type, ' (not a valid OID)');
    } else if (value.startsWith('urn:uuid:') && !isUuidUri(value, type)) {
      return format(type, ' (not a lowercase UUID)');
    }
  }
  switch (type) {
    case 'oid':
      return value.startsWith('urn:oid:') ? undefined : format(type, ' (must start with urn:oid:)');
    case 'uuid':
      return value.startsWith('urn:uuid:') ? undefined : format(type, ' (must start with urn:uuid:)');
    case 'canonical':
      return first === 35 /* # */ || isAbsoluteUri(value)
        ? undefined
        : format(type, ' (must be absolute or a #fragment)');
  }
  return undefined;
}

// A `urn:uuid:` uri, its fragment (and for a canonical its `|version`) set aside.
function isUuidUri(value: string, type: string): boolean {
  if (value.length === 45) return isUuidUrnFast(value);
  let uuid = value;
  const fragment = uuid.indexOf('#');
  if (fragment >= 0) uuid = uuid.slice(0, fragment);
  const version = type === 'canonical' ? uuid.lastIndexOf('|') : -1;
  if (version >= 0) uuid = uuid.slice(0, version);
  return isUuidUrnFast(uuid);
}

const OID_DIGITS_RE = /^[0-2](\.(0|[1-9][0-9]*))+$/;

/**
 * An OID (without `urn:oid:`) as HAPI FHIR accepts it: the ITU-T syntax, and either a last arc
 * after position 4 or under 1.3. So `2.16.840.1` and `1.3.6` pass, `2.4`, `1.2.3` and `2.999` do not
 * (HAPI: "OIDs must be valid").
 */
export function isAcceptedOid(oid: string): boolean {
  return OID_DIGITS_RE.test(oid) && (oid.lastIndexOf('.') >= 4 || oid.startsWith('1.3'));
}

// HAPI's Utilities.isAbsoluteUrl: the scheme before the first `:` is a lowercase token (a letter,
// then letters, digits, `_`, `[`, `]`; http, https and urn are such tokens), and something without
// a space follows. One regex, no slicing: it runs on every extension url.
const ABSOLUTE_URI_RE = /^[a-z][a-z0-9_[\]]*:[^ ]+$/;

/** An absolute URI as HAPI FHIR judges it: `HTTP://x`, `a/b` and `#x` are not. */
export function isAbsoluteUri(value: string): boolean {
  return ABSOLUTE_URI_RE.test(value);
}

export function isUuidUrn(value: string): boolean {
  return isUuidUrnFast(value);
}

export function isResourceId(value: string): boolean {
  return ID_RE.test(value);
}

export function isOidUrn(value: string): boolean {
  return OID_RE.test(value);
}

// Stand-ins for required bindings whose value sets FHIR.js does not ship (see r4-definitions.ts).
const MIME_TOKEN = "[A-Za-z0-9!#$&^_.+'*`|~-]+";
const MIME_TYPE_RE = new RegExp(
  `^${MIME_TOKEN}/${MIME_TOKEN}(\\s*;\\s*${MIME_TOKEN}=(${MIME_TOKEN}|"[^"]*"))*$`,
);
const CURRENCY_RE = /^[A-Z]{3}$/;

export const FORMAT_CHECKED_VALUE_SETS: ReadonlyMap<string, { test(code: string): boolean; what: string }> =
  new Map([
    [
      'http://hl7.org/fhir/ValueSet/mimetypes',
      { test: (code) => MIME_TYPE_RE.test(code), what: 'a MIME type' },
    ],
    [
      // HAPI knows the ISO 4217 list (r4-code-systems.generated.ts), not just the shape.
      'http://hl7.org/fhir/ValueSet/currencies',
      {
        test: (code) => CURRENCY_RE.test(code) && knownCodeSystemHas('urn:iso:std:iso:4217', code) === true,
        what: 'an ISO 4217 currency code',
      },
    ],
  ]);

type DateParts = { parts: number[]; instant: number | undefined };

// Splits a valid date/dateTime/instant into its written components, and for one with a time
// the instant it denotes (Date.parse honours the offset; a leap second makes it NaN).
function dateParts(value: string): DateParts {
  const parts = [Number(value.slice(0, 4))];
  if (value.length >= 7) parts.push(Number(value.slice(5, 7)));
  if (value.length >= 10) parts.push(Number(value.slice(8, 10)));
  if (value.length > 10) {
    const ms = Date.parse(value);
    return { parts, instant: Number.isNaN(ms) ? undefined : ms };
  }
  return { parts, instant: undefined };
}

/**
 * Orders two valid R4 date/dateTime/instant values as FHIRPath would: -1, 0 or 1, or undefined
 * when they are not comparable (different precision and equal as far as both go, e.g. `2024`
 * and `2024-05`).
 */
export function compareDateTimes(a: string, b: string): -1 | 0 | 1 | undefined {
  const left = dateParts(a);
  const right = dateParts(b);
  if (left.instant !== undefined && right.instant !== undefined) {
    return left.instant < right.instant ? -1 : left.instant > right.instant ? 1 : 0;
  }
  const common = Math.min(left.parts.length, right.parts.length);
  for (let i = 0; i < common; i++) {
    if (left.parts[i] !== right.parts[i]) return left.parts[i] < right.parts[i] ? -1 : 1;
  }
  // Same day with a time on one side only, or a different precision: FHIRPath gives empty.
  if (left.parts.length !== right.parts.length || left.instant !== right.instant) return undefined;
  return 0;
}

export function isValidDateTime(value: string): boolean {
  return DATE_TIME_RE.test(value) && isCalendarDate(value);
}
