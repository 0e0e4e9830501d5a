import { splitBatch } from './batch';

const msh = (id: string): string => `MSH|^~\\&|A|B|C|D|20260101||ADT^A01|${id}|P|2.5`;
const message = (id: string): string[] => [msh(id), 'PID|1||1'];

function split(lines: string[], eol = '\r') {
  return splitBatch(lines.join(eol) + eol);
}

describe('splitBatch', () => {
  it('splits a batch and checks BTS-1', () => {
    const result = split(['BHS|^~\\&|A', ...message('1'), ...message('2'), 'BTS|2']);
    expect(result).toMatchObject({ ok: true, batch: { declaredCount: 2 } });
    if (result.ok) {
      expect(result.batch.header?.name).toBe('BHS');
      expect(result.batch.messages).toEqual([message('1').join('\r') + '\r', message('2').join('\r') + '\r']);
    }
  });

  it.each(['\n', '\r\n'])('accepts other segment ends (%j)', (eol) => {
    const result = split(['FHS|^~\\&', 'BHS|^~\\&', ...message('1'), 'BTS|1', 'FTS|1'], eol);
    expect(result).toMatchObject({ ok: true, batch: { declaredCount: 1, declaredBatchCount: 1 } });
    if (result.ok) expect(result.batch.messages[0]).not.toMatch(/\n/);
  });

  it('treats a bare message (or several) as a batch without header', () => {
    const result = split([...message('1'), ...message('2')]);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.batch.header).toBeUndefined();
      expect(result.batch.declaredCount).toBeUndefined();
      expect(result.batch.messages).toHaveLength(2);
    }
  });

  it('accepts BTS without a count and an empty batch', () => {
    expect(split(['BHS|^~\\&', ...message('1'), 'BTS'])).toMatchObject({ ok: true });
    expect(split(['BHS|^~\\&', 'BTS|0'])).toMatchObject({
      ok: true,
      batch: { messages: [], declaredCount: 0 },
    });
  });

  it('reports a wrong BTS-1 count at the BTS', () => {
    const result = split(['FHS|^~\\&', 'BHS|^~\\&', ...message('1'), ...message('2'), 'BTS|3', 'FTS|1']);
    expect(result).toEqual({
      ok: false,
      error: {
        code: '100',
        segment: 'BTS',
        sequence: 7,
        field: 1,
        reason: 'BTS-1 declares 3 messages but the batch holds 2',
      },
    });
  });

  it('reports a wrong FTS-1 count and a non-numeric BTS-1', () => {
    expect(split(['FHS|^~\\&', 'BHS|^~\\&', ...message('1'), 'BTS|1', 'FTS|2'])).toMatchObject({
      ok: false,
      error: { code: '100', segment: 'FTS', field: 1 },
    });
    expect(split(['BHS|^~\\&', ...message('1'), 'BTS|one'])).toMatchObject({
      ok: false,
      error: { code: '102', segment: 'BTS', field: 1 },
    });
  });

  it('reports structure errors', () => {
    expect(split(['PID|1', ...message('1')])).toMatchObject({
      ok: false,
      error: { code: '100', sequence: 1 },
    });
    expect(split(['BHS|^~\\&', 'EVN|A01', ...message('1')])).toMatchObject({
      ok: false,
      error: { code: '100', segment: 'EVN', sequence: 2 },
    });
    expect(split([...message('1'), 'FTS|1'])).toMatchObject({ ok: false, error: { segment: 'FTS' } });
    expect(splitBatch('')).toMatchObject({ ok: false, error: { code: '100' } });
  });

  it('leaves a broken segment inside a message for parseHl7 to report', () => {
    const result = split(['BHS|^~\\&', msh('1'), 'PIDX|1', 'BTS|1']);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.batch.messages[0]).toContain('PIDX|1');
  });
});
