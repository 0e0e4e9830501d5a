import { randomBytes } from 'node:crypto';
import {
  DEFAULT_ENCODING,
  type EncodingCharacters,
  encodingCharactersField,
  readEncodingCharacters,
} from './encoding-characters';
import { escapeHl7 } from './escape-sequences';
import { HL7_ERROR_TEXT, type Hl7Error } from './hl7-error';
import { Hl7Message, splitSegmentLines } from './hl7-message';
import { Hl7Segment } from './hl7-segment';
import type { Batch } from './batch';

export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';

/**
 * MSH fields read best-effort from text that may not parse, to address a NAK. Values are ER7 text as
 * sent (not decoded), to be echoed with the same delimiters; absent ones are undefined.
 */
export interface PartialHeader {
  encoding: EncodingCharacters;
  /** False when MSH-1/MSH-2 were unusable and `encoding` is the default. */
  encodingRead: boolean;
  sendingApplication?: string;
  sendingFacility?: string;
  receivingApplication?: string;
  receivingFacility?: string;
  messageType?: string;
  triggerEvent?: string;
  controlId?: string;
  processingId?: string;
  version?: string;
  acceptAckType?: string;
  applicationAckType?: string;
  characterSet?: string;
}

/** Reads whatever MSH fields it can from raw text; never throws. */
export function readPartialHeader(text: string): PartialHeader {
  const lines = typeof text === 'string' ? splitSegmentLines(text) : [];
  const line = lines.find((l) => l.startsWith('MSH'));
  const encoding = line ? readEncodingCharacters(line) : undefined;
  if (!line || !encoding) {
    // Without MSH-2 only the field separator can be trusted, and only the standard one.
    const fallback = line && line.charAt(3) === DEFAULT_ENCODING.field ? line : undefined;
    return fallback
      ? {
          ...headerFields(new Hl7Segment(fallback, DEFAULT_ENCODING)),
          encoding: DEFAULT_ENCODING,
          encodingRead: false,
        }
      : { encoding: DEFAULT_ENCODING, encodingRead: false };
  }
  return { ...headerFields(new Hl7Segment(line, encoding)), encoding, encodingRead: true };
}

function headerFields(msh: Hl7Segment): Omit<PartialHeader, 'encoding' | 'encodingRead'> {
  const raw = (field: number, component?: number): string | undefined => {
    const value = component === undefined ? msh.rawField(field) : msh.rawAt(field, 1, component);
    return value === '""' ? undefined : value;
  };
  const entries: [keyof PartialHeader, string | undefined][] = [
    ['sendingApplication', raw(3)],
    ['sendingFacility', raw(4)],
    ['receivingApplication', raw(5)],
    ['receivingFacility', raw(6)],
    ['messageType', raw(9, 1)],
    ['triggerEvent', raw(9, 2)],
    ['controlId', raw(10)],
    ['processingId', raw(11)],
    ['version', raw(12, 1)],
    ['acceptAckType', raw(15)],
    ['applicationAckType', raw(16)],
    ['characterSet', raw(18)],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}

function headerOf(input: Hl7Message | PartialHeader): PartialHeader {
  if (!(input instanceof Hl7Message)) return input;
  return { ...headerFields(input.segments[0]), encoding: input.encoding, encodingRead: true };
}

/** Compares dotted HL7 versions ('2.3.1' < '2.5'); an unreadable version counts as 2.5. */
function versionAtLeast(version: string | undefined, target: number[]): boolean {
  const parts = (version ?? '').split('.').map((p) => Number.parseInt(p, 10));
  if (parts.length === 0 || parts.some(Number.isNaN)) return versionAtLeast('2.5', target);
  for (let i = 0; i < target.length; i++) {
    const a = parts[i] ?? 0;
    if (a !== target[i]) return a > target[i];
  }
  return true;
}

/** HL7 DTM with seconds and an explicit UTC offset, so receivers need not guess our time zone. */
function formatTimestamp(date: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `${p(date.getUTCFullYear(), 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}` +
    `${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}+0000`
  );
}

/** 20 characters: the MSH-10 length limit before v2.7. */
const newControlId = (): string => randomBytes(10).toString('hex').toUpperCase();

/**
 * Builds an ACK (MSH, MSA, and ERR when `options.error` is given) for a parsed message or a partial
 * header. MSH-3/4 and MSH-5/6 are the input's MSH-5/6 and MSH-3/4; MSH-9 is ACK^trigger^ACK (the
 * structure component only from v2.3.1, where it exists); version, processing id and MSH-18 are echoed.
 * ERR is ERR-2/3/4 from v2.5 and ERR-1 before. Segments end with CR. Never throws.
 */
export function buildAck(
  input: Hl7Message | PartialHeader,
  code: AckCode,
  options: { error?: Hl7Error; now?: Date; controlId?: string } = {},
): string {
  const header = headerOf(input);
  const enc = header.encoding;
  // Values read with an unusable MSH-2 may hold our delimiters, so they are escaped rather than copied.
  const echo = (value: string | undefined): string =>
    value === undefined ? '' : header.encodingRead ? value : escapeHl7(value, enc);
  const text = (value: string): string => escapeHl7(value, enc);
  const version = header.version;
  const type = versionAtLeast(version, [2, 3, 1])
    ? ['ACK', echo(header.triggerEvent), 'ACK']
    : ['ACK', echo(header.triggerEvent)];
  const msh = [
    'MSH',
    encodingCharactersField(enc),
    echo(header.receivingApplication),
    echo(header.receivingFacility),
    echo(header.sendingApplication),
    echo(header.sendingFacility),
    formatTimestamp(options.now ?? new Date()),
    '',
    trimEmpty(type).join(enc.component),
    text(options.controlId ?? newControlId()),
    echo(header.processingId) || 'P',
    echo(version) || '2.5',
    '',
    '',
    '',
    '',
    '',
    echo(header.characterSet),
  ];
  const error = options.error;
  const msa = ['MSA', code, echo(header.controlId), ...(error ? [text(error.reason)] : [])];
  const segments = [trimEmpty(msh), trimEmpty(msa)];
  if (error) segments.push(errSegment(error, enc, versionAtLeast(version || '2.5', [2, 5])));
  return segments.map((s) => s.join(enc.field)).join('\r') + '\r';
}

function errSegment(error: Hl7Error, enc: EncodingCharacters, v25: boolean): string[] {
  const location = [error.segment ?? '', error.sequence?.toString() ?? '', error.field?.toString() ?? ''];
  const codeText = [error.code, HL7_ERROR_TEXT[error.code], 'HL70357'];
  if (v25) {
    return ['ERR', '', trimEmpty(location).join(enc.component), codeText.join(enc.component), 'E'];
  }
  // ELD (before v2.5): segment^sequence^field^code, the CE code written as subcomponents.
  return ['ERR', [...location, codeText.join(enc.subcomponent)].join(enc.component)];
}

function trimEmpty(values: string[]): string[] {
  let end = values.length;
  while (end > 1 && values[end - 1] === '') end--;
  return values.slice(0, end);
}

/**
 * Which accept acknowledgment to send, if any. Original mode (MSH-15 and MSH-16 both empty): AA/AE/AR.
 * Enhanced mode: CA/CE/CR per MSH-15 — AL always, NE never, ER only for error/rejected, SU only for
 * accepted; an empty or unknown MSH-15 in enhanced mode is treated as AL (answering is the safe side).
 */
export function acceptAckCode(
  message: Hl7Message | PartialHeader,
  outcome: 'accepted' | 'error' | 'rejected',
): AckCode | undefined {
  const header = headerOf(message);
  const accept = header.acceptAckType?.trim().toUpperCase();
  const application = header.applicationAckType?.trim();
  if (!accept && !application) return ({ accepted: 'AA', error: 'AE', rejected: 'AR' } as const)[outcome];
  const code = ({ accepted: 'CA', error: 'CE', rejected: 'CR' } as const)[outcome];
  if (accept === 'NE') return undefined;
  if (accept === 'ER') return outcome === 'accepted' ? undefined : code;
  if (accept === 'SU') return outcome === 'accepted' ? code : undefined;
  return code;
}

/**
 * The reply to a batch: one ACK per message, in order, wrapped as the input was (FHS…FTS around one
 * BHS…BTS, or BHS…BTS alone). Header fields 3-6 are swapped from the input's header, field 7 is now,
 * field 11 a new control id and field 12 echoes the input's field 11 (the reference batch/file control
 * id). `acks` are ER7 ACK messages ending in CR, as buildAck returns them.
 */
export function buildBatchAck(
  batch: Batch,
  acks: string[],
  options: { now?: Date; controlId?: string } = {},
): string {
  const now = formatTimestamp(options.now ?? new Date());
  const controlId = options.controlId ?? newControlId();
  const fileHeader = batch.header?.name === 'FHS' ? batch.header : undefined;
  const batchHeader = batch.batches[0]?.header ?? fileHeader;
  const enc = (batchHeader ?? fileHeader)?.encoding ?? DEFAULT_ENCODING;
  const header = (name: 'FHS' | 'BHS', input: Hl7Segment | undefined): string => {
    const field = (n: number): string => input?.rawField(n) ?? '';
    return trimEmpty([
      name,
      encodingCharactersField(enc),
      field(5),
      field(6),
      field(3),
      field(4),
      now,
      '',
      '',
      '',
      controlId,
      field(11),
    ]).join(enc.field);
  };
  const lines = [
    header('BHS', batchHeader),
    ...acks.map((a) => a.replace(/\r$/, '')),
    `BTS${enc.field}${acks.length}`,
  ];
  if (fileHeader) lines.unshift(header('FHS', fileHeader));
  if (fileHeader) lines.push(`FTS${enc.field}1`);
  return lines.join('\r') + '\r';
}

/**
 * The answer to a batch file that cannot be split (bad counts, segments outside a message…): a batch
 * reply wrapped as the input was (FHS/BHS, as buildBatchAck does) around one AR whose MSA-2 is the
 * batch's control id (BHS-11, else FHS-11) and whose ERR says what is wrong. It is sent whatever the
 * messages' MSH-15 says: the batch as a whole was refused, and acknowledgment modes are per message,
 * so without it a sender of `NE` messages would never learn that nothing was taken.
 */
export function buildBatchNak(text: string, error: Hl7Error, options: { now?: Date } = {}): string {
  const lines = typeof text === 'string' ? splitSegmentLines(text) : [];
  const encoding = (lines[0] ? readEncodingCharacters(lines[0]) : undefined) ?? DEFAULT_ENCODING;
  const fileLine = lines[0]?.startsWith('FHS') ? lines[0] : undefined;
  const batchLine = lines.find((l) => l.startsWith('BHS'));
  const fileHeader = fileLine ? new Hl7Segment(fileLine, encoding) : undefined;
  const batchHeader = batchLine
    ? new Hl7Segment(batchLine, readEncodingCharacters(batchLine) ?? encoding)
    : undefined;
  const envelope: Batch = {
    messages: [],
    batches: [{ ...(batchHeader ? { header: batchHeader } : {}), messages: [] }],
    ...(fileHeader || batchHeader ? { header: fileHeader ?? batchHeader } : {}),
  };
  const addressedFrom = batchHeader ?? fileHeader;
  const raw = (n: number): string | undefined => addressedFrom?.rawField(n);
  const version = readPartialHeader(text).version;
  const header: PartialHeader = {
    encoding: addressedFrom?.encoding ?? encoding,
    encodingRead: addressedFrom !== undefined,
    ...Object.fromEntries(
      (
        [
          ['sendingApplication', raw(3)],
          ['sendingFacility', raw(4)],
          ['receivingApplication', raw(5)],
          ['receivingFacility', raw(6)],
          ['controlId', raw(11)],
        ] as const
      ).filter(([, v]) => v !== undefined),
    ),
    // The messages' version decides the ERR layout; their MSH-15/16 are deliberately not read.
    ...(version === undefined ? {} : { version }),
  };
  return buildBatchAck(envelope, [buildAck(header, 'AR', { error, now: options.now })], options);
}
