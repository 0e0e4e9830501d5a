import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseHl7 } from './hl7-message';
import {
  checkMessageStructure,
  MESSAGE_STRUCTURES,
  messageStructureFor,
  STRUCTURED_MESSAGE_TYPES,
} from './message-structures';
import { fixtureText } from './test-fixtures';

// Synthetic messages: no real patient.
const msg = (type: string, ...segments: string[]) => {
  const parsed = parseHl7(
    [`MSH|^~\\&|APP|FAC|MERIDIAN|MERIDIAN|20260101120000||${type}|C1|P|2.5.1`, ...segments].join('\r') + '\r',
  );
  if (!parsed.ok) throw new Error(parsed.error.reason);
  return parsed.message;
};
const EVN = 'EVN||20260101120000';
const PID = 'PID|1||MRN-1^^^FAC^MR||DOE^JANE||19800101|F';
const PV1 = 'PV1|1|I|W^101^1';

describe('message structures', () => {
  it('uses the standard structure ids and gives a reason for every deviation', () => {
    for (const structure of Object.values(MESSAGE_STRUCTURES)) {
      expect(structure.id).toMatch(/^[A-Z]{3}_[A-Z]\d{2}$/);
      for (const item of structure.items) {
        const requirements =
          item.kind === 'segment' ? [item.requirement] : [item.group, ...item.group.requires];
        for (const r of requirements) {
          for (const why of [r.tolerated, r.conversion]) {
            if (why !== undefined) expect(why.length).toBeGreaterThan(30);
          }
        }
      }
    }
  });

  it('maps trigger events to the v2.5.1 structures', () => {
    expect(messageStructureFor('ADT^A04')?.id).toBe('ADT_A01');
    expect(messageStructureFor('ADT^A08')?.id).toBe('ADT_A01');
    expect(messageStructureFor('ADT^A28')?.id).toBe('ADT_A05');
    expect(messageStructureFor('ADT^A40')?.id).toBe('ADT_A39');
    expect(messageStructureFor('ADT^A11')?.id).toBe('ADT_A09');
    expect(messageStructureFor('MDM^T04')?.id).toBe('MDM_T02');
    expect(messageStructureFor('SIU^S15')?.id).toBe('SIU_S12');
    expect(messageStructureFor('ZZZ^Z01')).toBeUndefined();
    expect(checkMessageStructure(msg('ZZZ^Z01'))).toBeUndefined();
    expect(STRUCTURED_MESSAGE_TYPES).toEqual(
      expect.arrayContaining(['ORU^R01', 'ORM^O01', 'OML^O21', 'VXU^V04', 'RDE^O11', 'RDS^O13']),
    );
  });

  it('accepts complete messages, Z-segments and optional segments anywhere', () => {
    expect(
      checkMessageStructure(msg('ADT^A01^ADT_A01', EVN, PID, 'ZPI|1|X', PV1, 'OBX|1|ST|X||Y')),
    ).toBeUndefined();
    expect(
      checkMessageStructure(
        msg('ORU^R01', PID, PV1, 'ORC|RE|1', 'OBR|1|1||X', 'OBX|1|ST|X||Y', 'OBR|2|2||Y', 'OBX|1|NM|Y||1'),
      ),
    ).toBeUndefined();
    expect(checkMessageStructure(msg('ORM^O01', PID, 'ORC|NW|1', 'OBR|1|1||X', 'ORC|NW|2'))).toBeUndefined();
    expect(
      checkMessageStructure(msg('ADT^A40^ADT_A39', EVN, PID, 'MRG|OLD-1', PID, 'MRG|OLD-2')),
    ).toBeUndefined();
    expect(
      checkMessageStructure(msg('MDM^T02', EVN, PID, PV1, 'TXA|1|DS', 'OBX|1|TX|X||text')),
    ).toBeUndefined();
    expect(checkMessageStructure(msg('RDE^O11', PID, 'ORC|NW|1', 'RXE|1^BID|X', 'RXR|PO'))).toBeUndefined();
    expect(checkMessageStructure(msg('RDS^O13', PID, 'ORC|RE|1', 'RXD|1|X', 'RXR|PO'))).toBeUndefined();
    expect(checkMessageStructure(msg('OML^O21', PID, 'ORC|NW|1', 'OBR|1|1||X'))).toBeUndefined();
  });

  it('tolerates what real feeds omit and the conversion does not need', () => {
    expect(checkMessageStructure(msg('ADT^A01', PID, PV1))).toBeUndefined(); // no EVN
    expect(checkMessageStructure(msg('ADT^A08', EVN, PID))).toBeUndefined(); // no PV1
    expect(checkMessageStructure(msg('ADT^A28', EVN, PID))).toBeUndefined();
    expect(checkMessageStructure(msg('ADT^A31', EVN, PID))).toBeUndefined();
    expect(checkMessageStructure(msg('ADT^A40', PID, 'MRG|OLD-1'))).toBeUndefined(); // no EVN, no PV1
    expect(checkMessageStructure(msg('SIU^S12', 'SCH|1|1', PID, 'AIL|1||ROOM1'))).toBeUndefined(); // no RGS
    expect(
      checkMessageStructure(msg('VXU^V04', PID, 'RXA|0|1|20260101|20260101|08^HEPB^CVX|1')),
    ).toBeUndefined(); // no ORC
    expect(checkMessageStructure(msg('RDE^O11', PID, 'ORC|NW|1', 'RXE|1^BID|X'))).toBeUndefined(); // no RXR
    expect(checkMessageStructure(msg('MDM^T02', PID, 'TXA|1|DS', 'OBX|1|TX|X||text'))).toBeUndefined();
  });

  it('names the missing segment with code 100 and where it was expected', () => {
    expect(checkMessageStructure(msg('ADT^A01', EVN, PV1))).toEqual({
      code: '100',
      segment: 'PID',
      sequence: 3,
      reason: 'ADT^A01 (ADT_A01) requires a PID segment',
    });
    expect(checkMessageStructure(msg('ADT^A03', EVN, PID))).toMatchObject({ segment: 'PV1', sequence: 4 });
    expect(checkMessageStructure(msg('ORM^O01', PID, 'OBR|1|1||X'))).toMatchObject({
      code: '100',
      segment: 'ORC',
      reason: 'ORM^O01 (ORM_O01) requires at least one ORDER group (ORC)',
    });
    expect(checkMessageStructure(msg('ORM^O01', 'ORC|NW|1', 'OBR|1|1||X'))).toMatchObject({
      segment: 'PID',
      sequence: 2,
    });
    expect(checkMessageStructure(msg('OML^O21', PID, 'ORC|NW|1', 'OBR|1|1||X', 'ORC|NW|2'))).toEqual({
      code: '100',
      segment: 'OBR',
      sequence: 6,
      reason: 'ORDER group 2 (from segment 5) of OML^O21 (OML_O21) has no OBR segment',
    });
    expect(
      checkMessageStructure(msg('ORU^R01', PID, 'ORC|RE|1', 'OBX|1|ST|X||Y', 'ORC|RE|2', 'OBR|1|2||X')),
    ).toMatchObject({
      segment: 'OBR',
      sequence: 5,
      reason: expect.stringContaining('ORDER_OBSERVATION group 1 (from segment 3)'),
    });
    expect(checkMessageStructure(msg('SIU^S12', PID, 'AIL|1||ROOM1'))).toMatchObject({ segment: 'SCH' });
    expect(checkMessageStructure(msg('MDM^T02', PID, 'OBX|1|TX|X||text'))).toMatchObject({ segment: 'TXA' });
    expect(checkMessageStructure(msg('MDM^T02', PID, 'TXA|1|DS'))).toMatchObject({
      segment: 'OBX',
      sequence: 4,
    });
    expect(checkMessageStructure(msg('ADT^A40', EVN, PID))).toMatchObject({ segment: 'MRG' });
    expect(checkMessageStructure(msg('VXU^V04', PID, 'ORC|RE|1'))).toMatchObject({ segment: 'RXA' });
    expect(checkMessageStructure(msg('VXU^V04', PID))).toMatchObject({ segment: 'RXA' });
    expect(checkMessageStructure(msg('RDE^O11', PID, 'ORC|NW|1', 'RXR|PO'))).toMatchObject({
      segment: 'RXE',
    });
    expect(checkMessageStructure(msg('RDS^O13', PID, 'ORC|NW|1', 'RXE|1|X'))).toMatchObject({
      segment: 'RXD',
    });
  });

  it('refuses required segments out of the standard order', () => {
    expect(checkMessageStructure(msg('ADT^A01', EVN, PV1, PID))).toEqual({
      code: '100',
      segment: 'PV1',
      sequence: 3,
      reason: 'PV1 must come after PID in ADT^A01 (ADT_A01)',
    });
    // Orders before the patient are not converted for that patient.
    expect(checkMessageStructure(msg('ORU^R01', 'OBR|1|1||X', PID, 'OBR|2|2||X'))).toMatchObject({
      segment: 'OBR',
      sequence: 2,
    });
  });

  it('accepts the well-formed shared samples, and refuses the admissions that carry no visit', () => {
    const dir = join(__dirname, '..', 'fixtures');
    const samples = readdirSync(dir).filter(
      (f) =>
        f.endsWith('.hl7') &&
        !f.startsWith('malformed_nomsh') &&
        !f.startsWith('malformed_segid') &&
        !f.startsWith('batch'),
    );
    const verdicts = Object.fromEntries(
      samples.map((name) => {
        const parsed = parseHl7(fixtureText(name));
        if (!parsed.ok) throw new Error(`${name}: ${parsed.error.reason}`);
        return [name, checkMessageStructure(parsed.message)?.segment ?? 'ok'];
      }),
    );
    expect(verdicts).toEqual({
      // Parser test cases: ADT^A01 (admit) with PID only. An admission without PV1 has no visit to convert.
      'adt_a01_glion_1.hl7': 'PV1',
      'adt_a01_glion_2.hl7': 'PV1',
      'adt_a01_glion_3.hl7': 'PV1',
      'adt_a01_glion_4.hl7': 'PV1',
      'adt_a01_glion_5.hl7': 'PV1',
      'adt_a01_pythonhl7_1.hl7': 'ok',
      'adt_a04_simplehl7_1.hl7': 'ok',
      'malformed_adt_a01_glion_1.hl7': 'ok',
      'orm_o01_simplehl7_1.hl7': 'ok',
      'oru_r01_pythonhl7_1.hl7': 'ok',
      'oru_r01_simplehl7_1.hl7': 'ok',
      'oru_r01_simplehl7_2.hl7': 'ok',
    });
  });
});
