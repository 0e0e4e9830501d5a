import { er7, runMutations } from './test-support';

/**
 * The merge, immunization, pharmacy and lab order converters on messages they have never seen: each
 * base message mutated at random (seeded: the same run every time) by odd values put into fields,
 * characters cut out and segments dropped. Whatever parses must convert or be refused with a code,
 * never an internal error; what converts is valid FHIR without a literal `""`.
 */
const BASES = [
  er7(
    'MSH|^~\\&|ADT1|GHH|LAB|GHH|202405061230||ADT^A40^ADT_A39|M1|P|2.5.1',
    'EVN|A40|202405061230',
    'PID|1||MRN-NEW^^^GHH^MR||EVERYMAN^ADAM||19610615|M',
    'MRG|MRN-OLD^^^GHH^MR~X9^^^OTHER^PI||||||EVERYMAN^ADAM',
    'PID|2||MRN-B^^^GHH^MR',
    'MRG|MRN-A',
  ),
  er7(
    'MSH|^~\\&|EHR|CLINIC-X|IIS|STATE|20240814103000||VXU^V04^VXU_V04|V1|P|2.5.1',
    'PID|1||PAT-100^^^CLINIC-X^MR||SNOW^MADDY||20070706|F',
    'NK1|1|LAM^MORGAN|MTH^Mother^HL70063',
    'ORC|RE||IZ-1^CLINIC-X|||||||||57422^RADON^NICK^^^^^^CLINIC-X',
    'RXA|0|1|20240814||88^Influenza^CVX|0.5|mL^mL^UCUM||00^New^NIP001|7832-1^LEMON^MIKE|^^^CLINIC-X||||Z08|20251104|CSL^CSL Behring^MVX|00^Parental decision^NIP002||CP|A',
    'RXR|C28161^Intramuscular^NCIT|LD^Left Deltoid^HL70163',
    'OBX|1|CE|64994-7^Eligibility^LN|1|V02^VFC^HL70064||||||F',
    'OBX|2|CE|69764-9^Document type^LN|2|253088698300012711120420^Flu VIS^cdcgs1vis||||||F',
    'OBX|3|TS|29769-7^VIS presented^LN|2|20240814||||||F',
    'OBX|4|NM|30973-2^Dose number^LN|3|1||||||F',
    'RXA|0|1|20230101||03^MMR^CVX|999|||01^Historical^NIP001||||||||||||RE|D',
  ),
  er7(
    'MSH|^~\\&|CPOE|HOSP|PHARM|HOSP|202405061230||RDE^O11^RDE_O11|R1|P|2.5.1',
    'PID|1||MRN-7^^^HOSP^MR||DOE^JANE||19800101|F',
    'PV1|1|I|W^101^1|||||||||||||||V-77^^^HOSP^VN',
    'ORC|NW|ORD-1^CPOE|RX-1^PHARM|GRP-1|||^Q6H^^202405061300||202405061200|||1234^WELBY^MARCUS',
    'RXE|^Q6H^^202405061300^202405101300^PRN|197361^Amlodipine^RXNORM|5|10|mg^mg^UCUM|TAB^Tablet|^Take with water||G|30|TAB|2|||RXN-555||||5^mg/d||^Every six hours||1|mg/h|||I10^HTN^I10|||||202405061150',
    'TQ1|1||Q6H^Every 6 hours^HL70335|||||202405061300|202405101300|R',
    'RXR|PO^Oral^HL70162|LA^Left arm^HL70163||IVP',
    'NTE|1||note',
    'OBX|1|NM|29463-7^Body weight^LN||72|kg^kg^UCUM|||||F',
  ),
  er7(
    'MSH|^~\\&|PHARM|HOSP|EHR|HOSP|202405071000||RDS^O13^RDS_O13|S1|P|2.5.1',
    'PID|1||MRN-7^^^HOSP^MR||DOE^JANE||19800101|F',
    'ORC|RE|ORD-1^CPOE|RX-1^PHARM||CM',
    'RXE|^Q6H|197361^Amlodipine^RXNORM|5||mg^mg^UCUM|||||30|TAB||||RXN-555',
    'RXD|1|00069-1530-30^Norvasc^NDC|202405071000|30|TAB^Tablet||RXN-555||brand|5555^PILL^PAT|G|||||||LOT-1|20260101',
    'RXR|PO^Oral^HL70162',
    'NTE|1||Counselled',
    'ORC|RE',
    'RXD|2|00069-1530-30^Norvasc^NDC|202406071000|30|TAB||RXN-555',
  ),
  er7(
    'MSH|^~\\&|CPOE|HOSP|LIS|LAB|202405061230||OML^O21^OML_O21|L1|P|2.5.1',
    'PID|1||MRN-7^^^HOSP^MR||DOE^JANE||19800101|F',
    'ORC|NW|PLC-9^CPOE||GRP-1^CPOE|||||202405061230',
    'OBR|1|PLC-9^CPOE||2345-7^Glucose^LN|||202405061200',
    'NTE|1||Fasting',
    'SPM|1|SPC-1&CPOE^FSPC-1&LAB||119297000^Blood^SCT|||||||||||||202405061200^202405061210|202405061215',
    'OBX|1|NM|14749-6^Fasting hours^LN||8|h|||||F',
    'SPM|2|SPC-2&CPOE||BLD',
    'SAC|||CONT-1',
  ),
];

const ODD = [
  '|',
  '^',
  '~',
  '&',
  '\\',
  '""',
  '',
  'X',
  '999',
  '00',
  'D',
  'RE',
  'PA',
  '2024',
  '202413',
  '<',
  '1.5',
  '-1',
  ' ',
  'Q0H',
  'PRN',
  '^^^^',
];

function mutate(text: string, random: () => number): string {
  const lines = text.split('\r').filter(Boolean);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
    const i = 1 + Math.floor(random() * (lines.length - 1));
    const op = random();
    if (op < 0.6) {
      const fields = lines[i].split('|');
      fields[1 + Math.floor(random() * (fields.length - 1))] = pick(ODD);
      lines[i] = fields.join('|');
    } else if (op < 0.85) {
      const at = 4 + Math.floor(random() * Math.max(1, lines[i].length - 4));
      lines[i] = lines[i].slice(0, at) + lines[i].slice(at + 1 + Math.floor(random() * 6));
    } else {
      lines.splice(i, 1);
    }
  }
  return lines.join('\r');
}

describe('ADT^A40, VXU, RDE/RDS and OML on mutated messages', () => {
  it('never fail internally, always produce valid FHIR, never a literal ""', () => {
    const { problems, outcomes } = runMutations(BASES, mutate, 20261207, 500);
    expect(problems).toEqual([]);
    expect(outcomes.INTERNAL_ERROR).toBeUndefined();
    expect(outcomes.ok).toBeGreaterThan(300);
  });
});
