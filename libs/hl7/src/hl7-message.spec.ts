import { escapeHl7 } from './escape-sequences';
import { type Hl7Message, parseHl7, parseHl7Path } from './hl7-message';

const MSH =
  'MSH|^~\\&|LAB|NORTH^1.2.3^ISO|MERIDIAN|HOSP|20260101120000||ORU^R01^ORU_R01|CTRL-1|P|2.5.1|||AL|NE';
const BODY = [
  MSH,
  'PID|1||111^^^MRN~222^^^EMPI&2.16.840&ISO||BEEBLEBROX^ZAPHOD||""',
  'OBX|1|ST|A||first',
  'OBX|2|ST|B||second\\F\\part',
  'ZXY|1|custom',
];

function parse(text: string): Hl7Message {
  const result = parseHl7(text);
  if (!result.ok) throw new Error(result.error.reason);
  return result.message;
}

describe('parseHl7', () => {
  it.each([
    ['CR', '\r'],
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('reads %s segment ends and emits CR', (_, eol) => {
    const m = parse(BODY.join(eol) + eol);
    expect(m.segments.map((s) => s.name)).toEqual(['MSH', 'PID', 'OBX', 'OBX', 'ZXY']);
    expect(m.toString()).toBe(BODY.join('\r') + '\r');
    expect(m.raw).toBe(BODY.join(eol) + eol);
  });

  it('reads mixed segment ends, blank lines and a BOM', () => {
    const m = parse('\uFEFF' + BODY[0] + '\r\n' + BODY[1] + '\n\n' + BODY.slice(2).join('\r'));
    expect(m.segments).toHaveLength(5);
  });

  it('reads header accessors', () => {
    const m = parse(BODY.join('\r'));
    expect(m.controlId).toBe('CTRL-1');
    expect(m.version).toBe('2.5.1');
    expect(m.messageType).toEqual({ code: 'ORU', trigger: 'R01', structure: 'ORU_R01' });
    expect([m.sendingApplication, m.sendingFacility, m.receivingApplication, m.receivingFacility]).toEqual([
      'LAB',
      'NORTH',
      'MERIDIAN',
      'HOSP',
    ]);
    expect(m.getRaw('MSH-4')).toBe('NORTH^1.2.3^ISO');
    expect([m.processingId, m.acceptAckType, m.applicationAckType]).toEqual(['P', 'AL', 'NE']);
    expect([m.get('MSH-1'), m.get('MSH-2'), m.get('MSH-10')]).toEqual(['|', '^~\\&', 'CTRL-1']);
  });

  it('resolves terser-style paths', () => {
    const m = parse(BODY.join('\r'));
    expect(m.get('PID-3')).toBe('111');
    expect(m.get('PID-3.4')).toBe('MRN');
    expect(m.get('PID-3[2].1')).toBe('222');
    expect(m.get('PID-3[2].4')).toBe('EMPI');
    expect(m.get('PID-3[2].4.2')).toBe('2.16.840');
    expect(m.get('PID-3[3]')).toBeUndefined();
    expect(m.getAll('PID-3')).toEqual(['111', '222']);
    expect(m.getAll('PID-3.4.3')).toEqual(['', 'ISO']);
    expect(m.get('PID-7')).toBeNull();
    expect(m.get('PID-6')).toBeUndefined();
    expect(m.get('PID-40')).toBeUndefined();
    expect(m.get('OBX[2]-5')).toBe('second|part');
    expect(m.getRaw('OBX[2]-5')).toBe('second\\F\\part');
    expect(m.get('OBX[3]-5')).toBeUndefined();
    expect(m.get('NK1-2')).toBeUndefined();
    expect(m.get('ZXY-2')).toBe('custom');
    expect(m.segment('OBX', 2)?.get(3)).toBe('B');
    expect(m.getAll('NK1-2')).toEqual([]);
  });

  it('rejects malformed paths as programming errors', () => {
    for (const path of ['PID', 'pid-3', 'PID-0', 'PID-3[0]', 'PID-3.1.2.3', 'PID[0]-1']) {
      expect(() => parseHl7Path(path)).toThrow('Invalid HL7 path');
    }
    expect(parseHl7Path('OBX[2]-5[3].4.1')).toEqual({
      segment: 'OBX',
      occurrence: 2,
      field: 5,
      repetition: 3,
      component: 4,
      subcomponent: 1,
    });
  });

  it('works with custom encoding characters, escapes included', () => {
    const text = [
      'MSH$%#!~$APP$FAC$$$20260101$$ADT%A08$C9$P$2.4',
      'PID$1$$7%%%MRN#8$$SMITH!T!JONES%ANN!S!MARIE',
    ].join('\n');
    const m = parse(text);
    expect(m.encoding).toEqual({
      field: '$',
      component: '%',
      repetition: '#',
      escape: '!',
      subcomponent: '~',
    });
    expect(m.messageType).toEqual({ code: 'ADT', trigger: 'A08' });
    expect(m.getAll('PID-3')).toEqual(['7', '8']);
    expect(m.get('PID-3.4')).toBe('MRN');
    expect(m.get('PID-5.1')).toBe('SMITH~JONES');
    expect(m.get('PID-5.2')).toBe('ANN%MARIE');
    expect(escapeHl7('SMITH~JONES', m.encoding)).toBe('SMITH!T!JONES');
  });

  it('reads the v2.7 truncation character', () => {
    const m = parse('MSH|^~\\&#|A|B|C|D|20260101||ADT^A01|1|P|2.7\rNTE|1||cut\\P\\here');
    expect(m.encoding.truncation).toBe('#');
    expect(m.get('NTE-3')).toBe('cut#here');
  });

  it.each([
    ['empty text', '', { code: '100', sequence: 1 }],
    ['no MSH', 'PID|1||1\rPV1|1', { code: '100', sequence: 1 }],
    ['bad MSH-2', 'MSH|^~|A|B|C|D|1||ADT^A01|1|P|2.5', { code: '102', segment: 'MSH', field: 2 }],
    ['alphanumeric MSH-1', 'MSHA^~\\&A', { code: '102', segment: 'MSH', field: 2 }],
    ['repeated delimiter', 'MSH|^^\\&|A', { code: '102', segment: 'MSH', field: 2 }],
    [
      'missing MSH-9',
      'MSH|^~\\&|A|B|C|D|1|||1|P|2.5',
      { code: '101', segment: 'MSH', sequence: 1, field: 9 },
    ],
    ['null MSH-10', 'MSH|^~\\&|A|B|C|D|1||ADT^A01|""|P|2.5', { code: '101', field: 10 }],
    ['missing MSH-12', 'MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P', { code: '101', field: 12 }],
    ['lower-case id', `${MSH}\rpid|1`, { code: '100', sequence: 2 }],
    ['two-letter id', `${MSH}\rPID|1\rPV|1`, { code: '100', sequence: 3 }],
    ['second MSH', `${MSH}\r${MSH}`, { code: '100', segment: 'MSH', sequence: 2 }],
  ])('fails on %s with a located error', (_, text, error) => {
    const result = parseHl7(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject(error);
      expect(result.error.reason.length).toBeGreaterThan(10);
    }
  });

  it('never quotes message values in a reason', () => {
    const spilled = `${MSH}\rPID|1||999^^^MRN||BEEBLEBROX^ZAPHOD\rBEEBLEBROX^ZAPHOD|42`;
    const cases = [
      spilled,
      'PID|1||999||BEEBLEBROX^ZAPHOD',
      'BEEBLEBROX^ZAPHOD|MSH|^~\\&',
      'MSH|^~\\&|BEEBLEBROX|ZAPHOD|C|D|1||ADT^A01|BEEBLEBROX|P',
      'MSH|BEEBLEBROX|ZAPHOD',
      `${MSH}\rBEE|1\rZAPHODBEEBLEBROX`,
    ];
    for (const text of cases) {
      const result = parseHl7(text);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(JSON.stringify(result.error)).not.toMatch(/BEEBLEBROX|ZAPHOD|999|42/);
    }
  });

  it('never throws, whatever it is given', () => {
    const inputs: unknown[] = [undefined, null, 42, {}, 'MSH', 'MSH|', '\r\r\n', 'MSH|^~\\&', '\u0000MSH'];
    for (const input of inputs) expect(parseHl7(input as string).ok).toBe(false);
  });
});
