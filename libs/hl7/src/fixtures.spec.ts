import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { splitBatch } from './batch';
import { decodeHl7Bytes } from './character-set';
import { type Hl7Message, parseHl7 } from './hl7-message';
import { fixtureBytes, fixtureText } from './test-fixtures';

// Facts come from fixtures/SOURCES.md; each sample is read as bytes and decoded as a receiver would.
function parsed(name: string): Hl7Message {
  const result = parseHl7(decodeHl7Bytes(fixtureBytes(name)));
  if (!result.ok) throw new Error(`${name}: ${result.error.reason}`);
  return result.message;
}

describe('public samples (fixtures/SOURCES.md)', () => {
  const samples = readdirSync(join(__dirname, '..', 'fixtures')).filter((f) => f.endsWith('.hl7'));

  it('has every sample of the shared set', () => {
    expect(samples).toHaveLength(15);
  });

  it.each(samples.filter((f) => !f.startsWith('malformed_') && !f.startsWith('batch_')))(
    '%s parses and round-trips byte for byte (with a final CR)',
    (name) => {
      const text = fixtureText(name);
      const message = parsed(name);
      expect(message.toString()).toBe(text.endsWith('\r') ? text : `${text}\r`);
      expect(message.segments[0].name).toBe('MSH');
    },
  );

  it('adt_a01_pythonhl7_1: v2.3, explicit nulls, spaces kept, two identifiers', () => {
    const m = parsed('adt_a01_pythonhl7_1.hl7');
    expect(m.version).toBe('2.3');
    expect(m.messageType).toEqual({ code: 'ADT', trigger: 'A01' });
    expect(m.getAll('PID-3')).toEqual(['2148790', '162840']);
    expect(m.getAll('PID-3.4')).toEqual(['MSH_MRN', 'MSH_EMPI']);
    expect(m.getAll('PID-3.5')).toEqual(['MR', 'CM']);
    expect(m.get('PID-2')).toBe('2148790');
    expect(m.get('PID-4[2].5')).toBe('DONOR ');
    expect(m.get('PID-5.1')).toBe('RUFUSS');
    expect(m.get('PID-5.2')).toBe('MELLODIAL');
    expect(m.get('PID-5.7')).toBe('CURRENT');
    expect(m.get('PID-7')).toBe('19521129');
    expect(m.get('PID-8')).toBe('F');
    expect([1, 2, 3, 4, 5, 6, 7].map((c) => m.get(`PID-11.${c}`))).toEqual([
      '221 CANVIEW AVENUE',
      '66-D',
      'BRONX',
      'NY',
      '10454',
      'USA',
      'HOME',
    ]);
    expect(m.getAll('PID-13')).toEqual(['3472444150', '(000)000-0000']);
    expect(m.getAll('PID-13.2')).toEqual(['HOME', 'ALTERNATE']);
    expect(m.get('PID-18')).toBe('O75622322');
    expect(m.get('PID-19')).toBe('125544697');
    expect(m.get('PV1-2')).toBe('I');
    expect(m.get('PV1-5')).toBe(' 863968');
    expect(m.get('PV1-9')).toBeNull();
    expect(m.get('PV1-19')).toBe('01');
    expect(m.get('PV1-44')).toBe('20140210225300');
    expect(m.get('PV1-45')).toBeNull();
    expect(m.get('DG1-3.1')).toBe('440.21');
    expect(m.get('DG1-5')).toBeNull();
    expect(m.get('IN1-18')).toBe('10981226');
    expect(m.segmentsNamed('IN1')).toHaveLength(3);
    expect(m.get('IN1[2]-2')).toBe('GMED');
    expect(m.get('IN1[2]-3')).toBeNull();
    // The explicit null never surfaces as the two-character string.
    for (const segment of m.segments) {
      for (let f = 1; f <= segment.fieldCount; f++) {
        for (const value of segment.getAll(f)) expect(value).not.toBe('""');
      }
    }
  });

  it('adt_a01_glion_1: escapes decoded in a name and in ST', () => {
    const m = parsed('adt_a01_glion_1.hl7');
    expect(m.get('PID-3')).toBe('12345');
    expect(m.get('PID-3.4')).toBe('MRN');
    expect(m.get('PID-5.1')).toBe('DOE&SMITH');
    expect(m.get('PID-5.2')).toBe('JOHN^JANE');
    expect(m.get('PID-7')).toBe('19800101');
    expect(m.get('PID-8')).toBe('M');
    expect(m.get('OBX-3')).toBe('NOTE');
    expect(m.get('OBX-5')).toBe(
      'Result contains pipe | and ampersand & and caret ^ and tilde ~ and backslash \\ chars',
    );
    expect(m.get('OBX-11')).toBe('F');
    expect(m.getRaw('PID-5.1')).toBe('DOE\\T\\SMITH');
  });

  it('adt_a01_glion_2: Z-segments kept with their content', () => {
    const m = parsed('adt_a01_glion_2.hl7');
    expect(m.get('PID-3')).toBe('99999');
    expect(m.get('PID-3.4')).toBe('MRN');
    expect([m.get('PID-5.1'), m.get('PID-5.2'), m.get('PID-7'), m.get('PID-8')]).toEqual([
      'TEST',
      'PATIENT',
      '19900101',
      'M',
    ]);
    expect(m.segments.map((s) => s.name)).toEqual(['MSH', 'PID', 'ZVN', 'ZPD']);
    expect(m.get('ZVN-2')).toBe('CUSTOM_VENDOR_DATA');
    expect([1, 2, 3].map((c) => m.get(`ZVN-3.${c}`))).toEqual(['VALUE1', 'VALUE2', 'VALUE3']);
    expect(m.get('ZPD-5')).toBe('EXTENDED_FIELD_4');
  });

  it('adt_a01_glion_3: UTF-8 without MSH-18 decodes to the right letters', () => {
    const m = parsed('adt_a01_glion_3.hl7');
    expect(m.characterSet).toBeUndefined();
    expect(m.get('PID-3')).toBe('54321');
    expect([m.get('PID-5.1'), m.get('PID-5.2'), m.get('PID-5.3')]).toEqual(['MÜLLER', 'JOSÉ', 'Ñ']);
    expect([m.get('PID-7'), m.get('PID-8')]).toEqual(['19750315', 'M']);
    expect([1, 2, 3, 4, 5, 6].map((c) => m.get(`PID-11.${c}`))).toEqual([
      'Straße der Einheit 42',
      undefined,
      'München',
      'BY',
      '80331',
      'DEU',
    ]);
    expect([m.get('NK1-2.1'), m.get('NK1-2.2'), m.get('NK1-3')]).toEqual(['GARCÍA', 'FRANÇOISE', 'SPO']);
  });

  it('adt_a01_glion_4: custom delimiters # ! @ % *', () => {
    const m = parsed('adt_a01_glion_4.hl7');
    expect(m.encoding).toEqual({
      field: '#',
      component: '!',
      repetition: '@',
      escape: '%',
      subcomponent: '*',
    });
    expect(m.get('MSH-1')).toBe('#');
    expect(m.get('MSH-2')).toBe('!@%*');
    expect(m.messageType).toEqual({ code: 'ADT', trigger: 'A01' });
    expect(m.controlId).toBe('MSG007');
    expect(m.get('PID-3')).toBe('12345');
    expect(m.get('PID-3.4')).toBe('MRN');
    expect([m.get('PID-5.1'), m.get('PID-5.2'), m.get('PID-5.3')]).toEqual(['DOE', 'JOHN', 'A']);
    expect([m.get('PID-7'), m.get('PID-8')]).toEqual(['19800101', 'M']);
  });

  it('adt_a01_glion_5: 12 repetitions of PID-13 in order', () => {
    const m = parsed('adt_a01_glion_5.hl7');
    expect(m.get('PID-3')).toBe('10001');
    expect([m.get('PID-5.1'), m.get('PID-5.2'), m.get('PID-5.3')]).toEqual(['JONES', 'MANY', 'PHONES']);
    expect([m.get('PID-7'), m.get('PID-8')]).toEqual(['19850101', 'F']);
    expect([1, 3, 4, 5].map((c) => m.get(`PID-11.${c}`))).toEqual(['100 MAIN ST', 'CITY', 'ST', '12345']);
    const phones = Array.from({ length: 12 }, (_, i) => `555-${String(i + 1).padStart(4, '0')}`);
    expect(m.getAll('PID-13')).toEqual(phones);
    expect(m.getAll('PID-13.2')).toEqual(Array(12).fill(''));
    expect(m.get('PID-13[12]')).toBe('555-0012');
    expect(m.get('PID-13[13]')).toBeUndefined();
  });

  it('adt_a04_simplehl7_1: v2.5 A04, repeated PID-18, repetition in PV1-3', () => {
    const m = parsed('adt_a04_simplehl7_1.hl7');
    expect(m.version).toBe('2.5');
    expect(m.processingId).toBe('D');
    expect(m.messageType).toEqual({ code: 'ADT', trigger: 'A04' });
    expect([m.get('PID-2'), m.get('PID-2.4'), m.get('PID-2.5')]).toEqual(['0493575', '2', 'ID 1']);
    expect(m.get('PID-3')).toBe('454721');
    expect(m.get('PID-3.4')).toBeUndefined();
    expect([m.get('PID-5.1'), m.get('PID-5.2'), m.get('PID-7'), m.get('PID-8')]).toEqual([
      'DOE',
      'JOHN',
      '19480203',
      'M',
    ]);
    expect([1, 3, 4, 5, 6].map((c) => m.get(`PID-11.${c}`))).toEqual([
      '254 MYSTREET AVE',
      'MYTOWN',
      'OH',
      '44123',
      'USA',
    ]);
    expect(m.get('PID-13')).toBe('(216)123-4567');
    expect(m.getAll('PID-18')).toEqual(['400003403', '1129086']);
    expect([m.get('NK1-2.1'), m.get('NK1-2.2'), m.get('NK1-3'), m.get('NK1-7')]).toEqual([
      'ROE',
      'MARIE',
      'SPO',
      'EC',
    ]);
    expect(m.get('PV1-2')).toBe('O');
    expect(m.getAll('PV1-3')).toEqual(['168 ', '219', 'C', 'PMA']);
    expect([m.get('PV1-7.1'), m.get('PV1-7.2'), m.get('PV1-7.3')]).toEqual([
      '277',
      'ALLEN MYLASTNAME',
      'BONNIE',
    ]);
    expect(m.get('PV1-19')).toBe('2688684');
    expect(m.get('PV1-44')).toBe('199912271408');
  });

  it('orm_o01_simplehl7_1: minimal v2.3 order', () => {
    const m = parsed('orm_o01_simplehl7_1.hl7');
    expect(m.messageType).toEqual({ code: 'ORM', trigger: 'O01' });
    expect(m.get('PID-3')).toBe('12001');
    expect([m.get('PID-5.1'), m.get('PID-5.2'), m.get('PID-5.5')]).toEqual(['Jones', 'John', 'Mr.']);
    expect([m.get('PID-7'), m.get('PID-8')]).toEqual(['19670824', 'M']);
    expect([1, 3, 4, 5, 6].map((c) => m.get(`PID-11.${c}`))).toEqual([
      '123 West St.',
      'Denver',
      'CO',
      '80020',
      'USA',
    ]);
    expect([m.get('PV1-2'), m.get('PV1-7.1'), m.get('PV1-7.2'), m.get('PV1-7.3')]).toEqual([
      'O',
      '2342',
      'Jones',
      'Bob',
    ]);
    expect([m.get('ORC-1'), m.get('ORC-2'), m.get('OBR-2')]).toEqual([
      'NW',
      '20060307110114',
      '20060307110114',
    ]);
    expect([m.get('OBR-4.1'), m.get('OBR-4.2'), m.get('OBR-4.3')]).toEqual(['003038', 'Urinalysis', 'L']);
  });

  it('oru_r01_simplehl7_1: explicit nulls, repetition in OBR-3, five results', () => {
    const m = parsed('oru_r01_simplehl7_1.hl7');
    expect(fixtureText('oru_r01_simplehl7_1.hl7').endsWith('\r')).toBe(false);
    expect([m.get('PID-3'), m.get('PID-3.4')]).toEqual(['94000000000', 'Priority Health']);
    expect([m.get('PID-5.1'), m.get('PID-5.2'), m.get('PID-5.3')]).toEqual(['LASTNAME', 'FIRSTNAME', 'INIT']);
    expect([m.get('PID-7'), m.get('PID-8')]).toEqual(['19460101', 'M']);
    expect([m.get('PD1-4.1'), m.get('PD1-4.2'), m.get('PD1-4.9')]).toEqual(['1234567890', 'PCPLAST', 'NPI']);
    expect(m.getAll('OBR-3')).toEqual(['185L29839X64489JLPF', 'X64489']);
    expect([m.get('OBR-4.1'), m.get('OBR-4.2'), m.get('OBR-22')]).toEqual([
      'JLPF',
      'Lipid Panel - C',
      '20080511103529',
    ]);
    const obx = m.segmentsNamed('OBX');
    expect(obx.map((s) => [s.get(3), s.get(5)])).toEqual([
      ['JHDL', '62'],
      ['JTRIG', '72'],
      ['JVLDL', '14'],
      ['JLDL', '134'],
      ['JCHO', '210'],
    ]);
    expect(obx.map((s) => s.get(8))).toEqual([null, null, null, 'H', 'H']);
    expect(obx.map((s) => [s.get(6, 1, 1), s.get(6, 1, 2), s.get(10), s.get(11)])).toEqual(
      Array(5).fill(['CD:289', 'mg/dL', null, 'F']),
    );
    expect([m.get('OBX[2]-7'), m.get('OBX[2]-7.2'), m.get('OBX[2]-7.3')]).toEqual(['35-150', '35', '150']);
    expect(m.get('OBX[1]-14')).toBe('20080511103500');
    expect(m.get('OBX[1]-17.4')).toBeNull();
  });

  it('oru_r01_simplehl7_2: broken VAERS message parses without failure', () => {
    const m = parsed('oru_r01_simplehl7_2.hl7');
    expect(m.get('MSH-7')).toBe('20010331605');
    expect(m.acceptAckType).toBe('AL');
    expect(m.getAll('PID-3')).toEqual(['1234', '1234-12', '00725']);
    expect(m.getAll('PID-3.5')).toEqual(['SR', 'LR', 'MR']);
    expect([1, 2, 3, 4].map((c) => m.get(`PID-5.${c}`))).toEqual(['Doe', 'John', 'Fitzgerald', 'JR']);
    expect([m.get('PID-7'), m.get('PID-8')]).toEqual(['20001007', 'M']);
    expect([1, 2, 3, 4, 5, 7, 9].map((c) => m.get(`PID-11.${c}`))).toEqual([
      '123 Peachtree St',
      'APT 3B',
      'Atlanta',
      'GA',
      '30210',
      'M',
      'GA067',
    ]);
    expect([m.get('OBX[1]-3'), m.get('OBX[1]-5'), m.get('OBX[1]-6')]).toEqual(['21612-7', '05', 'mo']);
    const byCode = (code: string) => m.segmentsNamed('OBX').filter((s) => s.get(3) === code);
    expect(byCode('30950-0').map((s) => [s.get(5), s.get(6)])).toEqual([['02', 'd']]);
    expect(byCode('30949-2').map((s) => [s.get(5), s.get(5, 1, 3)])).toEqual([
      ['E', 'NIP005'],
      ['H', 'NIP005'],
    ]);
    // The broken OBX (value type and code run together) is still kept for per-OBX warnings downstream.
    expect(m.segmentsNamed('OBX').some((s) => s.rawField(2)?.startsWith('CE30955-9') === true)).toBe(true);
  });

  it('oru_r01_pythonhl7_1: GHH v2.4 example with shifted fields', () => {
    const m = parsed('oru_r01_pythonhl7_1.hl7');
    expect(m.version).toBe('2.4');
    expect(m.get('PID-3')).toBe('555-44-4444');
    expect([m.get('PID-5.1'), m.get('PID-5.2'), m.get('PID-5.3')]).toEqual(['EVERYWOMAN', 'EVE', 'E']);
    expect([m.get('PID-7'), m.get('PID-8')]).toEqual(['196203520', 'F']);
    expect([m.get('OBR-4.1'), m.get('OBR-4.2'), m.get('OBR-25')]).toEqual(['1554-5', 'GLUCOSE', undefined]);
    expect([m.get('OBX[1]-2'), m.get('OBX[1]-5'), m.get('OBX[1]-5.2'), m.get('OBX[1]-6')]).toEqual([
      'SN',
      undefined,
      '182',
      'mg/dl',
    ]);
    expect([m.get('OBX[1]-8'), m.get('OBX[1]-11'), m.get('OBX[2]-2')]).toEqual(['H', 'F', 'FN']);
  });

  it('malformed_adt_a01_glion_1 (CRLF): same values as CR, no LF leaking', () => {
    const m = parsed('malformed_adt_a01_glion_1.hl7');
    expect(m.segments.map((s) => s.name)).toEqual(['MSH', 'PID', 'PV1']);
    expect([m.get('PID-3'), m.get('PID-3.4'), m.get('PID-5.1'), m.get('PID-5.2')]).toEqual([
      '12345',
      'MRN',
      'DOE',
      'JOHN',
    ]);
    expect([m.get('PID-7'), m.get('PID-8'), m.get('PV1-2')]).toEqual(['19800101', 'M', 'I']);
    expect([1, 2, 3].map((c) => m.get(`PV1-3.${c}`))).toEqual(['ICU', '101', 'A']);
    expect(m.toString()).not.toMatch(/\n/);
    expect(m.version).toBe('2.5');
  });

  it('malformed_nomsh_glion_1: rejected, naming the missing MSH', () => {
    const result = parseHl7(fixtureText('malformed_nomsh_glion_1.hl7'));
    expect(result).toEqual({
      ok: false,
      error: { code: '100', sequence: 1, reason: expect.stringContaining('MSH') },
    });
  });

  it('malformed_segid_glion_1: rejected at segment 2 (PIDX), and PV at 3 on its own', () => {
    const text = fixtureText('malformed_segid_glion_1.hl7');
    const result = parseHl7(text);
    expect(result).toEqual({
      ok: false,
      error: { code: '100', sequence: 2, reason: expect.stringContaining('segment 2') },
    });
    const withoutPidx = text
      .split('\r')
      .filter((l) => !l.startsWith('PIDX'))
      .join('\r');
    expect(parseHl7(withoutPidx)).toMatchObject({ ok: false, error: { code: '100', sequence: 2 } });
    const fixedPidx = text.replace('PIDX|', 'PID|');
    expect(parseHl7(fixedPidx)).toMatchObject({ ok: false, error: { code: '100', sequence: 3 } });
  });

  it('batch_adt_a04_pythonhl7_1: 3 messages, 2 distinct control ids, counts valid', () => {
    const result = splitBatch(fixtureText('batch_adt_a04_pythonhl7_1.hl7'));
    if (!result.ok) throw new Error(result.error.reason);
    const { batch } = result;
    expect(batch.header?.name).toBe('FHS');
    expect(batch.messages).toHaveLength(3);
    expect(batch.batches.map((b) => [b.messages.length, b.declaredCount])).toEqual([
      [2, 2],
      [1, 1],
    ]);
    expect(batch.declaredCount).toBe(3);
    expect(batch.declaredBatchCount).toBe(2);
    const messages = batch.messages.map((text) => {
      const r = parseHl7(text);
      if (!r.ok) throw new Error(r.error.reason);
      return r.message;
    });
    expect(messages.map((m) => m.controlId)).toEqual(['12334456778890', '12334456778891', '12334456778890']);
    expect(new Set(messages.map((m) => m.controlId)).size).toBe(2);
    for (const m of messages) {
      expect(m.messageType).toEqual({ code: 'ADT', trigger: 'A04', structure: 'ADT_A01' });
      expect([m.version, m.characterSet, m.acceptAckType, m.applicationAckType]).toEqual([
        '2.5',
        'ASCII',
        'NE',
        'NE',
      ]);
      expect([m.get('PID-3'), m.get('PID-3.4'), m.get('PID-3.5')]).toEqual(['0000112234', '100', 'A']);
      expect([m.get('PID-5'), m.get('PID-5.7'), m.get('PID-7'), m.get('PID-8')]).toEqual([
        'XXXXXXXXXX',
        'S',
        '10131113',
        '1',
      ]);
      expect([m.get('PID-11.3'), m.get('PID-11.5'), m.get('PV1-2')]).toEqual(['RICHMOND', '3121', 'O']);
      expect(m.segments.map((s) => s.name)).toEqual(['MSH', 'EVN', 'PID', 'PD1', 'NK1', 'PV1']);
    }
  });
});
