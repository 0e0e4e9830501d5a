import { encodeMllp, MLLP, MllpDecoder } from './mllp';

const m1 = 'MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5\rPID|1||MÜLLER\r';
const m2 = 'MSH|^~\\&|A|B|C|D|20260101||ADT^A01|2|P|2.5\rPID|1||JONES\r';
const stream = Buffer.concat([encodeMllp(m1), encodeMllp(m2)]);
const text = (frames: Buffer[]): string[] => frames.map((f) => f.toString('utf8'));

describe('encodeMllp', () => {
  it('frames with VT … FS CR in UTF-8', () => {
    const frame = encodeMllp('AÜ');
    expect([...frame]).toEqual([MLLP.start, 0x41, 0xc3, 0x9c, MLLP.end, MLLP.cr]);
    expect([...encodeMllp('Ü', 'latin1')]).toEqual([0x0b, 0xdc, 0x1c, 0x0d]);
  });
});

describe('MllpDecoder', () => {
  it('decodes two frames in one chunk', () => {
    expect(new MllpDecoder().push(stream)).toEqual({
      frames: [Buffer.from(m1), Buffer.from(m2)],
      oversized: [],
      errors: [],
    });
  });

  it('decodes the same whatever the chunk boundaries (every split point, and byte by byte)', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new MllpDecoder();
      const a = decoder.push(stream.subarray(0, cut));
      const b = decoder.push(stream.subarray(cut));
      expect(text([...a.frames, ...b.frames])).toEqual([m1, m2]);
      expect([...a.errors, ...b.errors]).toEqual([]);
      expect(decoder.pendingBytes).toBe(0);
    }
    for (let cut = 1; cut < stream.length; cut++) {
      for (const cut2 of [cut + 1, stream.length - 1]) {
        if (cut2 <= cut) continue;
        const decoder = new MllpDecoder();
        const frames = [stream.subarray(0, cut), stream.subarray(cut, cut2), stream.subarray(cut2)].flatMap(
          (chunk) => decoder.push(chunk).frames,
        );
        expect(text(frames)).toEqual([m1, m2]);
      }
    }
    const decoder = new MllpDecoder();
    const frames = [...stream].flatMap((byte) => decoder.push(Buffer.from([byte])).frames);
    expect(text(frames)).toEqual([m1, m2]);
  });

  it('reports pending bytes of an unfinished frame', () => {
    const decoder = new MllpDecoder();
    expect(decoder.push(stream.subarray(0, 11)).frames).toEqual([]);
    expect(decoder.pendingBytes).toBe(10);
  });

  it('copies frame bytes so a reused chunk buffer cannot change them', () => {
    const decoder = new MllpDecoder();
    const chunk = Buffer.from(stream.subarray(0, 20));
    decoder.push(chunk);
    chunk.fill(0x41);
    const { frames } = decoder.push(stream.subarray(20));
    expect(text(frames)).toEqual([m1, m2]);
  });

  it('skips and reports junk between frames, ignoring bare line ends', () => {
    const decoder = new MllpDecoder();
    const junky = Buffer.concat([
      Buffer.from('xx'),
      encodeMllp(m1),
      Buffer.from('\r\njunk\n'),
      encodeMllp(m2),
    ]);
    const { frames, errors } = decoder.push(junky);
    expect(text(frames)).toEqual([m1, m2]);
    expect(errors).toEqual(['skipped 6 bytes outside a frame']);
    expect(decoder.push(Buffer.from('\r\n')).errors).toEqual([]);
  });

  it('skips an oversize frame up to its end and keeps the next', () => {
    const decoder = new MllpDecoder({ maxFrameBytes: 60 });
    const big = encodeMllp(m1 + 'X'.repeat(100));
    const { frames, oversized, errors } = decoder.push(Buffer.concat([encodeMllp(m2), big, encodeMllp(m2)]));
    expect(text(frames)).toEqual([m2, m2]);
    expect(errors).toEqual(['frame exceeds 60 bytes; skipped to its end']);
    // The head is kept so the receiver can read MSH and address its NAK; index keeps the order.
    expect(oversized).toEqual([
      { head: Buffer.from(m1 + 'X'.repeat(100)), bytes: Buffer.byteLength(m1) + 100, index: 1 },
    ]);
    expect(decoder.pendingBytes).toBe(0);
  });

  it('detects an oversize frame that arrives in pieces without buffering it', () => {
    const decoder = new MllpDecoder({ maxFrameBytes: 60 });
    const big = encodeMllp(m1 + 'X'.repeat(100));
    const results = [big.subarray(0, 40), big.subarray(40, 80), big.subarray(80), encodeMllp(m2)].map((c) =>
      decoder.push(c),
    );
    expect(results.flatMap((r) => r.errors)).toEqual(['frame exceeds 60 bytes; skipped to its end']);
    expect(text(results.flatMap((r) => r.frames))).toEqual([m2]);
    expect(results.map((r) => r.oversized.map((o) => [o.bytes, o.index]))).toEqual([
      [],
      [],
      [[Buffer.byteLength(m1) + 100, 0]],
      [],
    ]);
    expect(results[2].oversized[0].head).toEqual(big.subarray(1, 80));
    expect(decoder.pendingBytes).toBe(0);
  });

  it('drops a frame interrupted by a new start block, and tolerates FS without CR', () => {
    const decoder = new MllpDecoder();
    const { frames, errors } = decoder.push(
      Buffer.concat([Buffer.from([MLLP.start]), Buffer.from('partial'), encodeMllp(m1), Buffer.from([0x0b])]),
    );
    expect(text(frames)).toEqual([m1]);
    expect(errors).toEqual(['frame interrupted by a new start block; 7 bytes dropped']);
    const noCr = decoder.push(Buffer.concat([Buffer.from(m2), Buffer.from([MLLP.end]), encodeMllp(m1)]));
    expect(text(noCr.frames)).toEqual([m2, m1]);
    expect(noCr.errors).toEqual(['end block not followed by CR']);
  });

  it('returns a frame as soon as its FS arrives, before (or without) the CR', () => {
    const decoder = new MllpDecoder();
    const framed = encodeMllp(m1);
    const upToFs = decoder.push(framed.subarray(0, framed.length - 1));
    expect(text(upToFs.frames)).toEqual([m1]);
    expect(upToFs.errors).toEqual([]);
    // The CR arriving later is swallowed silently; nothing else is pending.
    expect(decoder.push(Buffer.from([MLLP.cr]))).toEqual({ frames: [], oversized: [], errors: [] });
    expect(decoder.pendingBytes).toBe(0);
    const late = decoder.push(framed.subarray(0, framed.length - 1));
    expect(text(late.frames)).toEqual([m1]);
    const next = decoder.push(encodeMllp(m2));
    expect(text(next.frames)).toEqual([m2]);
    expect(next.errors).toEqual(['end block not followed by CR']);
  });
});
