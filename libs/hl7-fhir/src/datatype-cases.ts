import { er7, seg } from './test-support';

/**
 * Test-only messages (not exported from index.ts) for the code, identifier and composite datatype
 * rules: local codes under HL7 tables, the same `…&<OID>&ISO` authority in every message type, an
 * OID HAPI refuses, sub-components in XAD/XPN/XCN/CX/PL/TS. Shared by datatypes.spec.ts (facts) and
 * datatypes.int-spec.ts (HAPI accepts every Bundle).
 */

export const OID_MRN = '2.16.840.1.113883.19.5';
export const OID_VISIT = '2.16.840.1.113883.19.8';
export const OID_ORDER = '2.16.840.1.113883.19.9';
export const OID_STAFF = '2.16.840.1.113883.19.7';

/** The same patient identifiers in every message: MR under an OID, a local type, an OID HAPI refuses. */
export const PID = seg('PID', {
  1: '1',
  3: `MRN1^^^GHH&${OID_MRN}&ISO^MR~X9^^^GHH^XYZ~77^^^LAB&2.4&ISO~88^^^&2.4&ISO`,
  5: 'Berg&van der&Berg^Anna^Maria^^^^L~&de&Vries^Anna^^^^^M',
  6: 'Smith&&Smith^Eve',
  7: '19800101',
  8: 'F',
  11: [
    '123&Main St^Apt 4^Springfield^IL^62701^USA^H',
    '&Elm Street&45^^Boston^MA^02110^^M^^^^^^20200101&D',
    'Oak Road 7&Oak Road&7^^Leeds^^LS1^GBR^C^^Yorkshire&West Yorkshire&L',
  ].join('~'),
  13: '^PRN^PH^^1^555^1234567',
  16: 'X^Local status',
});

const MSH = (type: string, control: string): string =>
  `MSH|^~\\&|APP|GOOD HEALTH|EHR|GHH|20240506123000||${type}|${control}|P|2.5.1`;

const PV1 = seg('PV1', {
  1: '1',
  2: 'I',
  3: `W&${OID_VISIT}.1&ISO^101&${OID_VISIT}.2&ISO^1^GHH&${OID_VISIT}.3&ISO`,
  4: '4',
  7: `D1^Smith&van^John^^^Dr^^^GHH&${OID_STAFF}&ISO^L^^^NPI`,
  10: 'NUR',
  13: 'N',
  14: '7',
  19: `V1^^^GHH&${OID_VISIT}&ISO^VN`,
  36: '01',
});

const ORC = seg('ORC', { 1: 'NW', 2: `P1^EHR^${OID_ORDER}.1^ISO`, 3: `F1^LAB^${OID_ORDER}.2^ISO` });
const OBR = seg('OBR', {
  1: '1',
  2: `P1^EHR^${OID_ORDER}.1^ISO`,
  3: `F1^LAB^${OID_ORDER}.2^ISO`,
  4: '24323-8^CMP^LN',
  7: '20240506100000',
  16: `D1^Smith&van^John^^^^^^GHH&${OID_STAFF}&ISO`,
  24: 'XYZ',
  25: 'F',
});

export const CASES = {
  adt: er7(
    MSH('ADT^A01^ADT_A01', 'A-1'),
    'EVN|A01|20240506123000',
    PID,
    PV1,
    seg('NK1', { 1: '1', 2: 'DOE^JOHN', 3: 'DAU^Daughter^HL70063', 7: 'EC^Emergency contact' }),
    seg('NK1', { 1: '2', 2: 'DOE^JIM', 3: 'spo^Spouse', 7: 'C' }),
  ),
  oru: er7(
    MSH('ORU^R01^ORU_R01', 'R-1'),
    PID,
    PV1,
    ORC,
    OBR,
    'OBX|1|NM|2345-7^Glucose^LN||99|iU/mL^IU per mL^UCUM||H|||F',
    'OBX|2|NM|2345-8^Other^LN||5|mg/dL^mg/dL^UCUM||>U~xyz|||F',
    'OBX|3|CWE|3333-3^Answer^LN||Y^Yes^HL70136~YES^Yes^HL70136||||||F',
    seg('OBX', {
      1: '4',
      2: 'CX',
      3: '4444-4^Id^LN',
      5: `123^^^NS&${OID_MRN}&ISO^MR`,
      11: 'F',
      23: `Lab^L^^^^CLIA&${OID_ORDER}.3&ISO^XX^^^1236`,
    }),
    'OBX|5|NM|5555-5^Rate^LN||7|/min^per minute^UCUM||h|||F',
  ),
  orm: er7(MSH('ORM^O01^ORM_O01', 'O-1'), PID, PV1, ORC, OBR),
  siu: er7(
    MSH('SIU^S12^SIU_S12', 'S-1'),
    seg('SCH', { 1: 'PL-1^EHR', 2: 'FL-1^SCHED', 11: '^^^20240520140000^20240520143000', 25: 'Booked' }),
    PID,
    PV1,
    seg('RGS', { 1: '1' }),
    seg('AIP', { 1: '1', 3: `D1^Smith&van^John^^^^^^GHH&${OID_STAFF}&ISO`, 4: 'AT' }),
  ),
  mdm: er7(
    MSH('MDM^T02^MDM_T02', 'D-1'),
    PID,
    PV1,
    seg('TXA', {
      1: '1',
      2: 'ZZ^Local document type',
      3: 'TX',
      6: '20240510143000',
      12: `DOC-1^EHR^${OID_ORDER}.4^ISO`,
      17: 'LA',
      19: 'AV',
    }),
    seg('OBX', { 1: '1', 2: 'TX', 5: 'Note text', 11: 'F' }),
  ),
} as const;

export type CaseName = keyof typeof CASES;
