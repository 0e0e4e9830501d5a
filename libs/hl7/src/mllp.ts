/** MLLP framing bytes: <VT> message <FS><CR>. */
export const MLLP = { start: 0x0b, end: 0x1c, cr: 0x0d } as const;

/** Frames a message. UTF-8 by default; pass 'latin1' for a partner that declares MSH-18 8859/1. */
export function encodeMllp(message: string, encoding: 'utf8' | 'latin1' = 'utf8'): Buffer {
  const body = Buffer.from(message, encoding);
  const frame = Buffer.allocUnsafe(body.length + 3);
  frame[0] = MLLP.start;
  body.copy(frame, 1);
  frame[body.length + 1] = MLLP.end;
  frame[body.length + 2] = MLLP.cr;
  return frame;
}

export interface MllpDecoderOptions {
  /** Largest frame body accepted; bigger frames are reported and skipped. Default 16 MiB. */
  maxFrameBytes?: number;
}

/** A frame over the size limit: its first bytes (enough to read MSH and address a NAK) and its size. */
export interface OversizedFrame {
  head: Buffer;
  bytes: number;
  /** How many of this push's `frames` came before it, so replies can keep the sender's order. */
  index: number;
}

export interface MllpPushResult {
  frames: Buffer[];
  /** Frames skipped for their size, reported when their end block arrives. */
  oversized: OversizedFrame[];
  /** Readable, content-free descriptions of what was skipped. */
  errors: string[];
}

/** Bytes of an oversize frame kept to read its header. */
const OVERSIZE_HEAD_BYTES = 4096;

/** `frameEnd`/`skipEnd`: after FS, where the CR that should follow is swallowed if it comes. */
type State = 'idle' | 'frame' | 'frameEnd' | 'skip' | 'skipEnd';

/**
 * Incremental MLLP decoder for one connection. Frames may arrive split at any byte or several per chunk.
 * Bytes outside a frame are skipped and reported per push, except CR and LF, which some senders put
 * between frames and which carry nothing. A frame larger than maxFrameBytes is reported and skipped up
 * to its end block. A start block inside a frame drops the unfinished frame (reported) and starts anew.
 * An end block ends the frame at once (FS never occurs in ER7 text): the frame is returned by the push
 * that holds FS, whether or not the CR has arrived; a missing CR is reported when the next byte is not one.
 */
export class MllpDecoder {
  private readonly maxFrameBytes: number;
  private state: State = 'idle';
  private parts: Buffer[] = [];
  private size = 0;
  private skipped?: { head: Buffer; bytes: number };

  constructor(options: MllpDecoderOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? 16 * 1024 * 1024;
  }

  /** Bytes held for a frame not yet complete. */
  get pendingBytes(): number {
    return this.size;
  }

  push(chunk: Buffer): MllpPushResult {
    const frames: Buffer[] = [];
    const oversized: OversizedFrame[] = [];
    const errors: string[] = [];
    let junk = 0;
    let i = 0;
    while (i < chunk.length) {
      switch (this.state) {
        case 'idle': {
          const start = chunk.indexOf(MLLP.start, i);
          const stop = start === -1 ? chunk.length : start;
          for (let j = i; j < stop; j++) if (chunk[j] !== 0x0d && chunk[j] !== 0x0a) junk++;
          if (start === -1) {
            i = chunk.length;
          } else {
            this.state = 'frame';
            i = start + 1;
          }
          break;
        }
        case 'frame': {
          const endAt = chunk.indexOf(MLLP.end, i);
          const startAt = chunk.indexOf(MLLP.start, i);
          if (startAt !== -1 && (endAt === -1 || startAt < endAt)) {
            errors.push(`frame interrupted by a new start block; ${this.size + startAt - i} bytes dropped`);
            this.reset();
            i = startAt + 1;
            break;
          }
          const stop = endAt === -1 ? chunk.length : endAt;
          if (this.size + stop - i > this.maxFrameBytes) {
            errors.push(`frame exceeds ${this.maxFrameBytes} bytes; skipped to its end`);
            const bytes = this.size + stop - i;
            this.append(chunk.subarray(i, Math.min(stop, i + OVERSIZE_HEAD_BYTES)));
            this.skipped = { head: Buffer.from(this.take().subarray(0, OVERSIZE_HEAD_BYTES)), bytes };
            this.state = 'skip';
            i = stop;
            break;
          }
          this.append(chunk.subarray(i, stop));
          if (endAt === -1) {
            i = chunk.length;
          } else {
            // Complete at FS: a sender that omits the trailing CR must not wait for its next byte.
            frames.push(this.take());
            this.state = 'frameEnd';
            i = endAt + 1;
          }
          break;
        }
        case 'frameEnd': {
          if (chunk[i] === MLLP.cr) {
            i++;
          } else {
            errors.push('end block not followed by CR');
          }
          this.state = 'idle';
          break;
        }
        case 'skip': {
          const endAt = chunk.indexOf(MLLP.end, i);
          const skipped = this.skipped ?? { head: Buffer.alloc(0), bytes: 0 };
          skipped.bytes += (endAt === -1 ? chunk.length : endAt) - i;
          if (endAt === -1) {
            i = chunk.length;
          } else {
            oversized.push({ ...skipped, index: frames.length });
            this.skipped = undefined;
            this.state = 'skipEnd';
            i = endAt + 1;
          }
          break;
        }
        case 'skipEnd': {
          if (chunk[i] === MLLP.cr) i++;
          this.state = 'idle';
          break;
        }
      }
    }
    if (junk > 0) errors.push(`skipped ${junk} bytes outside a frame`);
    return { frames, oversized, errors };
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    // Copied: the caller may reuse its chunk buffer after push returns.
    this.parts.push(Buffer.from(part));
    this.size += part.length;
  }

  private take(): Buffer {
    const frame = Buffer.concat(this.parts, this.size);
    this.reset();
    return frame;
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
  }
}
