import { DEFAULT_ENCODING, type EncodingCharacters, readEncodingCharacters } from './encoding-characters';
import type { Hl7Error } from './hl7-error';
import { Hl7Segment } from './hl7-segment';
import { SEGMENT_ID, splitSegmentLines } from './hl7-message';

/** One BHS…BTS group inside a file. */
export interface BatchGroup {
  header?: Hl7Segment;
  messages: string[];
  /** BTS-1, when sent. */
  declaredCount?: number;
}

export interface Batch {
  /** FHS when the text is a file, else BHS, else none (a bare message or messages). */
  header?: Hl7Segment;
  /** Every message in order, as ER7 with CR segment ends; not parsed (each one fails on its own). */
  messages: string[];
  /** Sum of the BTS-1 counts, when at least one BTS carries a count. */
  declaredCount?: number;
  /** The BHS…BTS groups (one group without header for a bare message). */
  batches: BatchGroup[];
  /** FTS-1: the number of batches the file declares. */
  declaredBatchCount?: number;
}

export type SplitBatchResult = { ok: true; batch: Batch } | { ok: false; error: Hl7Error };

const fail = (error: Hl7Error): SplitBatchResult => ({ ok: false, error });

function readCount(segment: Hl7Segment): number | 'invalid' | undefined {
  const raw = segment.rawAt(1, 1, 1, 1)?.trim();
  if (raw === undefined) return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : 'invalid';
}

/**
 * Splits an HL7 batch file (FHS, BHS, MSH…, BTS, FTS) or a bare message into messages, and checks each
 * BTS-1 against the messages of its batch and FTS-1 against the number of batches.
 */
export function splitBatch(text: string): SplitBatchResult {
  const lines = typeof text === 'string' ? splitSegmentLines(text) : [];
  if (lines.length === 0) return fail({ code: '100', sequence: 1, reason: 'batch is empty' });
  const first = lines[0].slice(0, 3);
  if (first !== 'FHS' && first !== 'BHS' && first !== 'MSH') {
    return fail({ code: '100', sequence: 1, reason: 'text does not start with FHS, BHS or MSH' });
  }
  // Trailers carry no MSH-2, so they are read with the delimiters the text started with.
  let encoding: EncodingCharacters = readEncodingCharacters(lines[0]) ?? DEFAULT_ENCODING;
  const batches: BatchGroup[] = [];
  let fileHeader: Hl7Segment | undefined;
  let fileCount: number | undefined;
  let group: BatchGroup | undefined;
  let message: string[] | undefined;

  const closeMessage = (): void => {
    if (message && group) group.messages.push(message.join('\r') + '\r');
    message = undefined;
  };
  const problem = (sequence: number, segment: string, reason: string, field?: number): SplitBatchResult =>
    fail({ code: '100', segment, sequence, reason, ...(field === undefined ? {} : { field }) });

  for (const [i, line] of lines.entries()) {
    const seq = i + 1;
    const id = line.slice(0, 3);
    if (!SEGMENT_ID.test(id) || (line.length > 3 && line.charAt(3) !== encoding.field && id !== 'MSH')) {
      if (message) {
        // Within a message: parseHl7 reports it with the message's own positions.
        message.push(line);
        continue;
      }
      return fail({ code: '100', sequence: seq, reason: `segment ${seq} has an invalid segment id` });
    }
    if (id === 'FHS') {
      if (i !== 0) return problem(seq, id, `FHS at segment ${seq}: a file header must come first`);
      fileHeader = new Hl7Segment(line, encoding);
    } else if (id === 'BHS') {
      closeMessage();
      encoding = readEncodingCharacters(line) ?? encoding;
      group = { header: new Hl7Segment(line, encoding), messages: [] };
      batches.push(group);
    } else if (id === 'MSH') {
      closeMessage();
      encoding = readEncodingCharacters(line) ?? encoding;
      if (!group) {
        group = { messages: [] };
        batches.push(group);
      }
      message = [line];
    } else if (id === 'BTS') {
      closeMessage();
      if (!group) return problem(seq, id, `BTS at segment ${seq} closes no batch`);
      const count = readCount(new Hl7Segment(line, encoding));
      if (count === 'invalid') {
        return fail({ code: '102', segment: id, sequence: seq, field: 1, reason: 'BTS-1 is not a count' });
      }
      if (count !== undefined) {
        group.declaredCount = count;
        if (count !== group.messages.length) {
          return problem(
            seq,
            id,
            `BTS-1 declares ${count} messages but the batch holds ${group.messages.length}`,
            1,
          );
        }
      }
      group = undefined;
    } else if (id === 'FTS') {
      closeMessage();
      if (!fileHeader) return problem(seq, id, `FTS at segment ${seq} without FHS`);
      if (i !== lines.length - 1) return problem(seq, id, `FTS at segment ${seq} is not the last segment`);
      const count = readCount(new Hl7Segment(line, encoding));
      if (count === 'invalid') {
        return fail({ code: '102', segment: id, sequence: seq, field: 1, reason: 'FTS-1 is not a count' });
      }
      fileCount = count;
      if (count !== undefined && count !== batches.length) {
        return problem(seq, id, `FTS-1 declares ${count} batches but the file holds ${batches.length}`, 1);
      }
    } else if (message) {
      message.push(line);
    } else {
      return problem(seq, id, `segment ${seq} (${id}) is outside any message`);
    }
  }
  closeMessage();

  const counted = batches.filter((b) => b.declaredCount !== undefined);
  const batch: Batch = {
    messages: batches.flatMap((b) => b.messages),
    batches,
    ...(fileHeader || batches[0]?.header ? { header: fileHeader ?? batches[0].header } : {}),
    ...(counted.length > 0 ? { declaredCount: counted.reduce((n, b) => n + (b.declaredCount ?? 0), 0) } : {}),
    ...(fileCount === undefined ? {} : { declaredBatchCount: fileCount }),
  };
  return { ok: true, batch };
}
