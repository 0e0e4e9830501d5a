import {
  acceptAckCode,
  type AckCode,
  buildAck,
  buildBatchAck,
  buildBatchNak,
  readPartialHeader,
} from './acknowledgement';
import { splitBatch } from './batch';
import { fixtureText } from './test-fixtures';
import type { Hl7Error } from './hl7-error';
import { type Hl7Message, parseHl7 } from './hl7-message';

const now = new Date('2026-03-04T05:06:07Z');
const header = (version: string, extra = ''): string =>
  `MSH|^~\\&|LABAPP|NORTH^1.2^ISO|MERIDIAN|HUB|20260101||ORU^R01^ORU_R01|IN-42|T|${version}${extra}`;

function parse(text: string): Hl7Message {
  const result = parseHl7(text);
  if (!result.ok) throw new Error(result.error.reason);
  return result.message;
}

function fieldsOf(ack: string): string[][] {
  expect(ack.endsWith('\r')).toBe(true);
  expect(ack).not.toMatch(/\n/);
  return ack
    .slice(0, -1)
    .split('\r')
    .map((s) => s.split('|'));
}

const error: Hl7Error = { code: '101', segment: 'PID', sequence: 2, field: 3, reason: 'PID-3 is missing' };

describe('buildAck', () => {
  it.each<AckCode>(['AA', 'AE', 'AR', 'CA', 'CE', 'CR'])('%s: MSH swapped, MSA echoes MSH-10', (code) => {
    const ack = buildAck(parse(`${header('2.5.1', '|||AL|NE||UNICODE UTF-8')}\rPID|1`), code, {
      now,
      controlId: 'OUT-1',
    });
    const [msh, msa, ...rest] = fieldsOf(ack);
    expect(msh).toEqual([
      'MSH',
      '^~\\&',
      'MERIDIAN',
      'HUB',
      'LABAPP',
      'NORTH^1.2^ISO',
      '20260304050607+0000',
      '',
      'ACK^R01^ACK',
      'OUT-1',
      'T',
      '2.5.1',
      '',
      '',
      '',
      '',
      '',
      'UNICODE UTF-8',
    ]);
    expect(msa).toEqual(['MSA', code, 'IN-42']);
    expect(rest).toEqual([]);
    const reparsed = parse(ack);
    expect(reparsed.messageType).toEqual({ code: 'ACK', trigger: 'R01', structure: 'ACK' });
  });

  it('v2.5+: ERR-2 location, ERR-3 code, ERR-4 severity, MSA-3 text', () => {
    const [, msa, err] = fieldsOf(buildAck(parse(header('2.5')), 'AE', { now, error }));
    expect(msa).toEqual(['MSA', 'AE', 'IN-42', 'PID-3 is missing']);
    expect(err).toEqual(['ERR', '', 'PID^2^3', '101^Required field missing^HL70357', 'E']);
  });

  it('before v2.5: ERR-1 as ELD, and no structure component before v2.3.1', () => {
    const [msh, , err] = fieldsOf(buildAck(parse(header('2.3')), 'AR', { now, error }));
    expect(msh[8]).toBe('ACK^R01');
    expect(err).toEqual(['ERR', 'PID^2^3^101&Required field missing&HL70357']);
    const [msh24] = fieldsOf(buildAck(parse(header('2.4')), 'AA', { now }));
    expect(msh24[8]).toBe('ACK^R01^ACK');
  });

  it('generates a fresh 20-character control id and the current time by default', () => {
    const a = fieldsOf(buildAck(parse(header('2.5')), 'AA'))[0];
    const b = fieldsOf(buildAck(parse(header('2.5')), 'AA'))[0];
    expect(a[9]).toMatch(/^[0-9A-F]{20}$/);
    expect(a[9]).not.toBe(b[9]);
    expect(a[6]).toMatch(/^\d{14}\+0000$/);
  });

  it('answers in the sender’s encoding characters and escapes the text', () => {
    const m = parse('MSH#!@%*#APP#FAC#ME#HUB#2026##ADT!A01#C7#P#2.5\rPID#1');
    const ack = buildAck(m, 'AE', { now, controlId: 'X', error: { ...error, reason: 'a#b' } });
    expect(ack).toBe(
      'MSH#!@%*#ME#HUB#APP#FAC#20260304050607+0000##ACK!A01!ACK#X#P#2.5\r' +
        'MSA#AE#C7#a%F%b\rERR##PID!2!3#101!Required field missing!HL70357#E\r',
    );
  });

  it('NAKs an unparseable message from its partial header', () => {
    const text = 'MSH|^~\\&|LABAPP|NORTH|MERIDIAN|HUB|20260101||ADT^A04|IN-7|P|2.4\rPIDX|1||BEEBLEBROX';
    const result = parseHl7(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const partial = readPartialHeader(text);
    expect(partial).toMatchObject({
      controlId: 'IN-7',
      version: '2.4',
      triggerEvent: 'A04',
      encodingRead: true,
    });
    const [msh, msa, err] = fieldsOf(buildAck(partial, 'AR', { now, controlId: 'N1', error: result.error }));
    expect(msh).toEqual([
      'MSH',
      '^~\\&',
      'MERIDIAN',
      'HUB',
      'LABAPP',
      'NORTH',
      '20260304050607+0000',
      '',
      'ACK^A04^ACK',
      'N1',
      'P',
      '2.4',
    ]);
    expect(msa[0]).toBe('MSA');
    expect(msa.slice(1, 3)).toEqual(['AR', 'IN-7']);
    expect(err).toEqual(['ERR', '^2^^100&Segment sequence error&HL70357']);
    expect(msa.join('|') + err.join('|')).not.toContain('BEEBLEBROX');
  });

  it('NAKs text with no readable header at all', () => {
    for (const text of ['garbage', '', 'MSH', 'PID|1']) {
      const partial = readPartialHeader(text);
      expect(partial.encodingRead).toBe(false);
      const [msh, msa, err] = fieldsOf(buildAck(partial, 'AR', { now, controlId: 'N2', error }));
      expect(msh).toEqual([
        'MSH',
        '^~\\&',
        '',
        '',
        '',
        '',
        '20260304050607+0000',
        '',
        'ACK^^ACK',
        'N2',
        'P',
        '2.5',
      ]);
      expect(msa).toEqual(['MSA', 'AR', '', 'PID-3 is missing']);
      expect(err[0]).toBe('ERR');
    }
  });

  it('escapes header values read with unusable encoding characters', () => {
    const partial = readPartialHeader('MSH|^~|APP^X|FAC|B|C|1||ADT^A01|ID~1|P|2.5');
    expect(partial).toMatchObject({ encodingRead: false, controlId: 'ID~1' });
    const [, msa] = fieldsOf(buildAck(partial, 'AR', { now }));
    expect(msa).toEqual(['MSA', 'AR', 'ID\\R\\1']);
  });
});

describe('acceptAckCode', () => {
  const withAck = (accept: string, application = ''): Hl7Message =>
    parse(`${header('2.5', `|||${accept}|${application}`)}`);

  it('original mode (MSH-15/16 empty): AA/AE/AR', () => {
    const m = parse(header('2.5'));
    expect(['accepted', 'error', 'rejected'].map((o) => acceptAckCode(m, o as 'accepted'))).toEqual([
      'AA',
      'AE',
      'AR',
    ]);
  });

  it.each([
    ['AL', ['CA', 'CE', 'CR']],
    ['NE', [undefined, undefined, undefined]],
    ['ER', [undefined, 'CE', 'CR']],
    ['SU', ['CA', undefined, undefined]],
    ['', ['CA', 'CE', 'CR']],
  ])('enhanced mode MSH-15 %j', (accept, expected) => {
    const m = withAck(accept, 'AL');
    expect(['accepted', 'error', 'rejected'].map((o) => acceptAckCode(m, o as 'accepted'))).toEqual(expected);
  });

  it('works from a partial header', () => {
    expect(
      acceptAckCode(readPartialHeader('MSH|^~\\&|A|B|C|D|1||X|1|P|2.5|||NE|NE'), 'rejected'),
    ).toBeUndefined();
    expect(acceptAckCode(readPartialHeader('not hl7'), 'rejected')).toBe('AR');
  });
});

describe('buildBatchAck', () => {
  const now = new Date(Date.UTC(2026, 10, 25, 9, 30, 0));

  it('wraps the ACKs as the input was wrapped, swapping addresses and referencing the batch id', () => {
    const split = splitBatch(fixtureText('batch_adt_a04_pythonhl7_1.hl7'));
    if (!split.ok) throw new Error(split.error.reason);
    const acks = split.batch.messages.map((m, i) => {
      const parsed = parseHl7(m);
      if (!parsed.ok) throw new Error(parsed.error.reason);
      return buildAck(parsed.message, 'AA', { now, controlId: `A${i}` });
    });
    const lines = buildBatchAck(split.batch, acks, { now, controlId: 'B1' }).split('\r');
    expect(lines[0]).toBe('FHS|^~\\&||AUSDHSV||ABCHS|20261125093000+0000||||B1');
    expect(lines[1]).toBe('BHS|^~\\&||AUSDHSV||ABCHS|20261125093000+0000||||B1|abchs20070101123401-1');
    expect(lines.filter((l) => l.startsWith('MSA|AA|'))).toHaveLength(3);
    expect(lines.slice(-3)).toEqual(['BTS|3', 'FTS|1', '']);
    // The reply is itself a batch our own splitter reads back.
    const reread = splitBatch(lines.join('\r'));
    expect(reread.ok && reread.batch.messages).toHaveLength(3);
  });

  it('answers a bare BHS batch without a file header, and an empty batch with a zero count', () => {
    const split = splitBatch('BHS|^~\\&|LAB|HOSP|||20260101||||B-7\rBTS|0\r');
    if (!split.ok) throw new Error(split.error.reason);
    expect(buildBatchAck(split.batch, [], { now, controlId: 'R' })).toBe(
      'BHS|^~\\&|||LAB|HOSP|20261125093000+0000||||R|B-7\rBTS|0\r',
    );
  });
});

describe('buildBatchNak', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  // A batch whose messages ask for no accept acknowledgment (MSH-15 NE) and whose BTS count is wrong.
  const batch =
    'FHS|^~\\&|APP|FAC|MERIDIAN|MERIDIAN|20260101120000||||F-1\r' +
    'BHS|^~\\&|APP|FAC|MERIDIAN|MERIDIAN|20260101120000||||B-1\r' +
    'MSH|^~\\&|APP|FAC|MERIDIAN|MERIDIAN|20260101120000||ADT^A01|C1|P|2.5.1|||NE|NE\rPID|1||X\r' +
    'BTS|5\rFTS|1\r';

  it('answers the batch with one AR for the batch control id, whatever the messages say about ACKs', () => {
    const error = {
      code: '100' as const,
      segment: 'BTS',
      sequence: 6,
      field: 1,
      reason: 'BTS-1 declares 5 messages but the batch holds 1',
    };
    const reply = buildBatchNak(batch, error, { now }).split('\r');
    expect(reply[0]).toMatch(
      /^FHS\|\^~\\&\|MERIDIAN\|MERIDIAN\|APP\|FAC\|20260101120000\+0000\|\|\|\|\w+\|F-1$/,
    );
    expect(reply[1]).toMatch(/^BHS\|\^~\\&\|MERIDIAN\|MERIDIAN\|APP\|FAC\|.*\|B-1$/);
    expect(reply[2]).toMatch(
      /^MSH\|\^~\\&\|MERIDIAN\|MERIDIAN\|APP\|FAC\|20260101120000\+0000\|\|ACK\^\^ACK\|\w+\|P\|2\.5\.1$/,
    );
    expect(reply[3]).toBe('MSA|AR|B-1|BTS-1 declares 5 messages but the batch holds 1');
    expect(reply[4]).toBe('ERR||BTS^6^1|100^Segment sequence error^HL70357|E');
    expect(reply.slice(5)).toEqual(['BTS|1', 'FTS|1', '']);
  });
});
