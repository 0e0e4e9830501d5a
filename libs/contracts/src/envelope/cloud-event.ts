import { randomUUID } from 'node:crypto';
import { TextDecoder } from 'node:util';
import { eventTypeOf } from '../events/event-types';
import { CE, CONTENT_TYPE } from '../headers/header-names';
import { isJsonContentType, isTextContentType, isUtf8Charset, parseContentType } from './content-type';
import { isRfc3339 } from './rfc3339';

/** A CloudEvents 1.0 event; in Kafka binary mode the attributes travel as headers and `data` as the value. */
export interface CloudEvent<T = unknown> {
  id: string;
  source: string;
  type: string;
  specversion: '1.0';
  time: string;
  datacontenttype: string;
  subject?: string;
  dataschema?: string;
  correlationid?: string;
  causationid?: string;
  integrationid?: string;
  traceparent?: string;
  data: T;
}

export type CloudEventInit<T> = Omit<CloudEvent<T>, 'id' | 'specversion' | 'time' | 'datacontenttype'> &
  Partial<Pick<CloudEvent<T>, 'id' | 'time' | 'datacontenttype'>>;

/** Headers as kafkajs hands them over (`IHeaders`). */
export type RawHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export type DecodeResult<T = unknown> = { ok: true; event: CloudEvent<T> } | { ok: false; reason: string };

export interface EncodedCloudEvent {
  headers: Record<string, string>;
  value: Buffer;
}

const DEFAULT_CONTENT_TYPE = 'application/json';

type OptionalAttribute =
  'subject' | 'dataschema' | 'correlationid' | 'causationid' | 'integrationid' | 'traceparent';

const REQUIRED_HEADERS: readonly (readonly ['id' | 'source' | 'type' | 'specversion' | 'time', string])[] = [
  ['id', CE.id],
  ['source', CE.source],
  ['type', CE.type],
  ['specversion', CE.specversion],
  ['time', CE.time],
];

const OPTIONAL_HEADERS: readonly (readonly [OptionalAttribute, string])[] = [
  ['subject', CE.subject],
  ['dataschema', CE.dataschema],
  ['correlationid', CE.correlationId],
  ['causationid', CE.causationId],
  ['integrationid', CE.integrationId],
  ['traceparent', CE.traceparent],
];

/**
 * Builds an event, filling `id` (random UUID), `time` (now) and `datacontenttype` (the registered
 * type's, else JSON). Throws TypeError on an envelope that `decodeCloudEvent` would reject, so a bad
 * event fails where it is made rather than in every consumer.
 */
export function createCloudEvent<T>(init: CloudEventInit<T>): CloudEvent<T> {
  const event: CloudEvent<T> = {
    id: init.id ?? randomUUID(),
    source: init.source,
    type: init.type,
    specversion: '1.0',
    time: init.time ?? new Date().toISOString(),
    datacontenttype: init.datacontenttype ?? eventTypeOf(init.type)?.contentType ?? DEFAULT_CONTENT_TYPE,
    data: init.data,
  };
  for (const [attribute] of OPTIONAL_HEADERS) {
    const value = init[attribute];
    if (value !== undefined && value !== '') event[attribute] = value;
  }
  assertValidEnvelope(event);
  return event;
}

/**
 * Kafka binary mode: the value is the data's bytes (JSON for JSON content types, the text as UTF-8
 * for text types, a Buffer as is otherwise); every attribute is a UTF-8 string header.
 * Throws TypeError when the event or its data cannot be encoded (a programming error).
 */
export function encodeCloudEvent<T>(event: CloudEvent<T>): EncodedCloudEvent {
  assertValidEnvelope(event);
  const headers: Record<string, string> = {};
  for (const [attribute, header] of [...REQUIRED_HEADERS, ...OPTIONAL_HEADERS]) {
    const value = event[attribute];
    if (value !== undefined && value !== '') headers[header] = value;
  }
  headers[CONTENT_TYPE] = event.datacontenttype;
  return { headers, value: encodeData(event.data, event.datacontenttype) };
}

/** The first value of each header as a UTF-8 string; absent values are left out. */
export function headersToStrings(headers: RawHeaders | undefined): Record<string, string> {
  const strings: Record<string, string> = {};
  if (headers === undefined || headers === null) return strings;
  for (const [name, raw] of Object.entries(headers)) {
    const first = Array.isArray(raw) ? raw[0] : raw;
    if (first === undefined || first === null) continue;
    // kafkajs hands out Buffers: read them in place rather than copying each header.
    strings[name] =
      typeof first === 'string'
        ? first
        : Buffer.isBuffer(first)
          ? first.toString('utf8')
          : Buffer.from(first).toString('utf8');
  }
  return strings;
}

/**
 * Reads a binary-mode record. Never throws. A failure's reason names the header or the problem, never
 * a header value or the payload (either may be PHI). With `allowTombstone`, an empty value gives
 * `data: null` (a delete on a compacted topic) but the headers must still be valid.
 */
export function decodeCloudEvent(
  headers: RawHeaders | undefined,
  value: Buffer | null,
  options: { allowTombstone?: boolean } = {},
): DecodeResult {
  try {
    return decode(headers, value, options.allowTombstone === true);
  } catch {
    // Only reachable through malformed input types; the promise is never to throw.
    return { ok: false, reason: 'record could not be decoded' };
  }
}

function decode(
  headers: RawHeaders | undefined,
  value: Buffer | null,
  allowTombstone: boolean,
): DecodeResult {
  const header = lowercaseLookup(headersToStrings(headers));

  const missing = REQUIRED_HEADERS.map(([, name]) => name).filter((name) => !header(name));
  if (missing.length > 0) return fail(`missing or empty required header(s): ${missing.join(', ')}`);
  if (header(CE.specversion) !== '1.0') return fail(`${CE.specversion} is not 1.0`);
  const time = header(CE.time) as string;
  if (!isRfc3339(time)) return fail(`${CE.time} is not an RFC 3339 timestamp`);

  const type = header(CE.type) as string;
  // Lenient on a missing content-type: the registered type says what the bytes are.
  const datacontenttype = header(CONTENT_TYPE) || (eventTypeOf(type)?.contentType ?? DEFAULT_CONTENT_TYPE);

  let data: unknown;
  if (value === null || value === undefined || value.length === 0) {
    if (!allowTombstone) return fail('value is empty (a tombstone) where a payload is required');
    data = null;
  } else {
    const decoded = decodeData(value, datacontenttype);
    if (!decoded.ok) return decoded;
    data = decoded.data;
  }

  const event: CloudEvent = {
    id: header(CE.id) as string,
    source: header(CE.source) as string,
    type,
    specversion: '1.0',
    time,
    datacontenttype,
    data,
  };
  for (const [attribute, name] of OPTIONAL_HEADERS) {
    const attributeValue = header(name);
    if (attributeValue) event[attribute] = attributeValue;
  }
  return { ok: true, event };
}

/** Fatal decoders are stateless between whole-buffer decodes, so one per charset serves every record. */
const decoders = new Map<string, TextDecoder>();

function textDecoder(charset: string): TextDecoder | undefined {
  let decoder = decoders.get(charset);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(charset, { fatal: true });
    } catch {
      return undefined;
    }
    decoders.set(charset, decoder);
  }
  return decoder;
}

type DataResult = { ok: true; data: unknown } | { ok: false; reason: string };

function decodeData(value: Buffer, contentType: string): DataResult {
  const json = isJsonContentType(contentType);
  if (!json && !isTextContentType(contentType)) return { ok: true, data: Buffer.from(value) };

  const charset = parseContentType(contentType).charset ?? 'utf-8';
  const decoder = textDecoder(charset);
  if (decoder === undefined) return fail(`${CONTENT_TYPE} names an unsupported charset`);
  let text: string;
  try {
    text = decoder.decode(value);
  } catch {
    // Replacement characters would silently corrupt names and identifiers, so bad bytes are an error.
    return fail(`value is not valid ${charset} text`);
  }
  if (!json) return { ok: true, data: text };
  try {
    return { ok: true, data: JSON.parse(text) };
  } catch {
    // JSON.parse's message quotes the input, which may be PHI, so it is not passed on.
    return fail(`value is not valid JSON (${CONTENT_TYPE} ${parseContentType(contentType).essence})`);
  }
}

function encodeData(data: unknown, contentType: string): Buffer {
  if (isJsonContentType(contentType)) {
    if (data instanceof Uint8Array) {
      throw new TypeError(
        `data for ${contentType} must be a JSON value, not bytes (decode would not round-trip)`,
      );
    }
    const json = data === undefined ? undefined : JSON.stringify(data);
    if (json === undefined) throw new TypeError(`data for ${contentType} is not serialisable as JSON`);
    return Buffer.from(json, 'utf8');
  }
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (typeof data === 'string') {
    if (!isUtf8Charset(parseContentType(contentType).charset)) {
      throw new TypeError(`string data is written as UTF-8; pass a Buffer for ${contentType}`);
    }
    return Buffer.from(data, 'utf8');
  }
  throw new TypeError(`data for ${contentType} must be a string or a Buffer`);
}

/** The problems `decodeCloudEvent` would find in the envelope; names attributes, never values. */
export function envelopeProblems(event: CloudEvent<unknown>): string[] {
  const problems: string[] = [];
  for (const [attribute] of REQUIRED_HEADERS) {
    const value: unknown = event[attribute];
    if (typeof value !== 'string' || value === '') problems.push(`${attribute} must be a non-empty string`);
  }
  if (event.specversion !== '1.0') problems.push('specversion must be 1.0');
  if (typeof event.time === 'string' && event.time !== '' && !isRfc3339(event.time)) {
    problems.push('time must be an RFC 3339 timestamp');
  }
  if (typeof event.datacontenttype !== 'string' || event.datacontenttype === '') {
    problems.push('datacontenttype must be a non-empty string');
  }
  for (const [attribute] of OPTIONAL_HEADERS) {
    const value: unknown = event[attribute];
    if (value !== undefined && typeof value !== 'string') problems.push(`${attribute} must be a string`);
  }
  return problems;
}

function assertValidEnvelope(event: CloudEvent<unknown>): void {
  const problems = envelopeProblems(event);
  if (problems.length > 0) throw new TypeError(`invalid CloudEvent: ${problems.join('; ')}`);
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/**
 * Header lookup that tolerates `Content-Type` and other casings from outside publishers; an exact
 * lowercase name wins over another casing of it.
 */
function lowercaseLookup(headers: Record<string, string>): (name: string) => string | undefined {
  const byName = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!byName.has(lower) || name === lower) byName.set(lower, value);
  }
  return (name) => byName.get(name);
}
