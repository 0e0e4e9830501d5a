import { type EncodingCharacters, readEncodingCharacters } from './encoding-characters';
import type { Hl7Error } from './hl7-error';
import { Hl7Segment } from './hl7-segment';

export type ParseResult = { ok: true; message: Hl7Message } | { ok: false; error: Hl7Error };

/** A location in a message: segment (and occurrence), field, repetition, component, subcomponent. */
export interface Hl7Path {
  segment: string;
  /** 1-based occurrence of that segment in the message. */
  occurrence: number;
  field: number;
  repetition?: number;
  component?: number;
  subcomponent?: number;
}

const PATH = /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?-(\d+)(?:\[(\d+)\])?(?:\.(\d+)(?:\.(\d+))?)?$/;
export const SEGMENT_ID = /^[A-Z][A-Z0-9]{2}$/;

/** Parses 'PID-3[2].4.1', 'OBX[2]-5', 'MSH-10'. Throws on a malformed path: that is a programming error. */
export function parseHl7Path(path: string): Hl7Path {
  const m = PATH.exec(path);
  const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
  const parsed = m && {
    segment: m[1],
    occurrence: num(m[2]) ?? 1,
    field: Number(m[3]),
    repetition: num(m[4]),
    component: num(m[5]),
    subcomponent: num(m[6]),
  };
  if (
    !parsed ||
    [parsed.occurrence, parsed.field, parsed.repetition, parsed.component].some((n) => n === 0)
  ) {
    throw new Error(`Invalid HL7 path: ${path}`);
  }
  if (parsed.subcomponent === 0) throw new Error(`Invalid HL7 path: ${path}`);
  return parsed;
}

/** A parsed ER7 message. Immutable; keeps every segment's text as received (Z-segments included). */
export class Hl7Message {
  constructor(
    readonly segments: readonly Hl7Segment[],
    readonly encoding: EncodingCharacters,
    /** The text exactly as given to parseHl7. */
    readonly raw: string,
  ) {}

  segment(name: string, occurrence = 1): Hl7Segment | undefined {
    return this.segmentsNamed(name)[occurrence - 1];
  }

  segmentsNamed(name: string): Hl7Segment[] {
    return this.segments.filter((s) => s.name === name);
  }

  /** Decoded value at a Terser-style path (see Hl7Segment.get); null for "", undefined when absent. */
  get(path: string): string | null | undefined {
    const p = parseHl7Path(path);
    return this.segment(p.segment, p.occurrence)?.get(p.field, p.repetition, p.component, p.subcomponent);
  }

  /** Decoded value of every repetition of the field at `path` (which must not name a repetition). */
  getAll(path: string): (string | null)[] {
    const p = parseHl7Path(path);
    if (p.repetition !== undefined) throw new Error(`getAll path must not name a repetition: ${path}`);
    return this.segment(p.segment, p.occurrence)?.getAll(p.field, p.component, p.subcomponent) ?? [];
  }

  /** ER7 text at a path, not decoded (whole field, repetition, component or subcomponent). */
  getRaw(path: string): string | undefined {
    const p = parseHl7Path(path);
    return this.segment(p.segment, p.occurrence)?.rawAt(p.field, p.repetition, p.component, p.subcomponent);
  }

  private header(field: number, component = 1): string | undefined {
    return this.segments[0].get(field, 1, component) ?? undefined;
  }

  get controlId(): string {
    return this.header(10) ?? '';
  }
  get version(): string {
    return this.header(12) ?? '';
  }
  get messageType(): { code: string; trigger: string; structure?: string } {
    const structure = this.header(9, 3);
    const type = { code: this.header(9, 1) ?? '', trigger: this.header(9, 2) ?? '' };
    return structure === undefined ? type : { ...type, structure };
  }
  /** HD namespace id (component 1); the full HD is getRaw('MSH-3'). Same for the other three. */
  get sendingApplication(): string {
    return this.header(3) ?? '';
  }
  get sendingFacility(): string {
    return this.header(4) ?? '';
  }
  get receivingApplication(): string {
    return this.header(5) ?? '';
  }
  get receivingFacility(): string {
    return this.header(6) ?? '';
  }
  get processingId(): string {
    return this.header(11) ?? '';
  }
  get acceptAckType(): string | undefined {
    return this.header(15);
  }
  get applicationAckType(): string | undefined {
    return this.header(16);
  }
  /** MSH-18, first repetition. */
  get characterSet(): string | undefined {
    return this.header(18);
  }

  /** ER7 with CR segment ends: each segment's text as received, so a CR-separated input comes back byte for byte. */
  toString(): string {
    return this.segments.map((s) => s.raw).join('\r') + '\r';
  }
}

/** Splits on CR, LF or CRLF (mixed too) and drops blank lines, which carry nothing in ER7. */
export function splitSegmentLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .filter((line) => line.trim() !== '');
}

const fail = (error: Hl7Error): ParseResult => ({ ok: false, error });

/**
 * Parses one ER7 message. Checks: MSH first with usable MSH-1/MSH-2, every segment id
 * [A-Z][A-Z0-9]{2}, MSH-9.1, MSH-10 and MSH-12 present. Unknown and Z-segments are kept. Never throws.
 */
export function parseHl7(text: string): ParseResult {
  try {
    return parseOrFail(text);
  } catch {
    return fail({ code: '207', reason: 'unexpected failure while parsing the message' });
  }
}

function parseOrFail(text: string): ParseResult {
  const lines = typeof text === 'string' ? splitSegmentLines(text) : [];
  if (lines.length === 0) return fail({ code: '100', sequence: 1, reason: 'message is empty' });
  if (!lines[0].startsWith('MSH')) {
    return fail({ code: '100', sequence: 1, reason: 'first segment is not MSH (message header missing)' });
  }
  const encoding = readEncodingCharacters(lines[0]);
  if (!encoding) {
    return fail({
      code: '102',
      segment: 'MSH',
      sequence: 1,
      field: 2,
      reason:
        'MSH-1/MSH-2 encoding characters are not usable (need 4 or 5 distinct non-alphanumeric characters after the field separator)',
    });
  }
  const segments: Hl7Segment[] = [];
  for (const [i, line] of lines.entries()) {
    const segment = new Hl7Segment(line, encoding);
    if (!SEGMENT_ID.test(segment.name)) {
      // The id is not echoed: a broken line is often a value spilled over a line end, i.e. possibly PHI.
      return fail({
        code: '100',
        sequence: i + 1,
        reason: `segment ${i + 1} has an invalid segment id (expected 3 characters: a capital letter, then capitals or digits)`,
      });
    }
    if (i > 0 && segment.name === 'MSH') {
      return fail({
        code: '100',
        segment: 'MSH',
        sequence: i + 1,
        reason: `segment ${i + 1} starts a second message; use splitBatch for several messages`,
      });
    }
    segments.push(segment);
  }
  const msh = segments[0];
  const required: [number, number, string][] = [
    [9, 1, 'MSH-9 message type'],
    [10, 1, 'MSH-10 message control id'],
    [12, 1, 'MSH-12 version id'],
  ];
  for (const [field, component, label] of required) {
    const value = msh.rawAt(field, 1, component, 1);
    if (value === undefined || value === '""') {
      return fail({ code: '101', segment: 'MSH', sequence: 1, field, reason: `${label} is missing` });
    }
  }
  return { ok: true, message: new Hl7Message(segments, encoding, text) };
}
