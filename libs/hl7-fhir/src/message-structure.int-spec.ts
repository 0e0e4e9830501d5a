import { FHIR_SERVER_TIMEOUT_MS, fhirServer, hapiErrors, hapiValidate } from '@meridian/testing';
import { convertText, er7, seg } from './test-support';

/**
 * HAPI FHIR's R4 validator on the Bundles of the message structure rules (ORU groups and
 * specimens, SIU timing and participants, PR1, AL1 severity, AL1/IN1 in ORM, ORC/OBR in MDM,
 * Encounters without a visit number): a strict server must accept every one with zero errors.
 */

const PID = seg('PID', { 1: '1', 3: 'MRN77^^^GHH^MR', 5: 'DOE^JANE', 7: '1970', 8: 'F' });

const MESSAGES: Record<string, string> = {
  'ORU: two ORC/OBR groups, NTE, SPM with OBX, two patients': er7(
    'MSH|^~\\&|LAB|ACME LAB|EHR|GHH|20240506123000-0400||ORU^R01^ORU_R01|R-1|P|2.5.1',
    PID,
    seg('ORC', { 1: 'RE', 2: 'ORD-9^EHR', 3: 'ACC-9^LAB' }),
    seg('OBR', { 1: '1', 2: 'ORD-9^EHR', 3: 'ACC-9-1^LAB', 4: '24323-8^CMP^LN', 7: '202405061000', 25: 'F' }),
    'NTE|1|L|about the panel',
    'OBX|1|NM|2345-7^Glucose^LN||99|mg/dL^mg/dL^UCUM|||||F',
    'NTE|1|L|about glucose',
    seg('SPM', { 1: '1', 2: '^SP-1&LAB', 4: 'BLD^Blood^HL70487', 17: '202405060900' }),
    'OBX|1|NM|VOL^Volume^L||5|mL^mL^UCUM|||||F',
    seg('ORC', { 1: 'RE', 3: 'ACC-9^LAB' }),
    seg('OBR', { 1: '2', 4: '58410-2^CBC^LN', 7: '202405061000', 25: 'F' }),
    'OBX|1|NM|718-7^Hemoglobin^LN||13|g/dL^g/dL^UCUM|||||F',
    seg('PID', { 1: '2', 3: 'MRN88^^^GHH^MR', 5: 'ROE^RICHARD' }),
    seg('PV1', { 1: '1', 2: 'O', 3: 'CLINIC' }),
    seg('OBR', { 1: '1', 3: 'ACC-B^LAB', 4: 'B^B^L', 25: 'P' }),
    'OBX|1|ST|B1^B1^L||pending||||||P',
  ),
  'SIU: TQ1 timing, AIS/AIG/AIL/AIP, SCH-8 type, SCH-26 order': er7(
    'MSH|^~\\&|SCHED|GHH CLINIC|EHR|GHH|20240510083000-0500||SIU^S12^SIU_S12|S-1|P|2.5.1',
    seg('SCH', {
      1: 'PL-1^EHR',
      2: 'FL-1^SCHED',
      7: 'KNEE^Knee pain^L',
      8: 'NORMAL',
      9: '1',
      10: 'H',
      11: '^^30^202405201400-0500',
      25: 'Booked',
      26: 'ORD-7^EHR',
    }),
    seg('TQ1', { 1: '1', 6: '45^min&minutes&ISO+', 7: '202405211000-0500' }),
    PID,
    seg('PV1', { 1: '1', 2: 'O', 3: 'CARDIO^^^GHH' }),
    'RGS|1|A',
    seg('AIS', { 1: '1', 2: 'A', 3: '93000^ECG^CPT', 10: 'Booked' }),
    seg('AIG', { 1: '1', 2: 'A', 3: 'ECG-2^ECG cart 2^L', 4: 'EQUIP^Equipment^L', 14: 'Pending' }),
    seg('AIL', { 1: '1', 2: 'A', 3: 'CARDIO^ROOM 3^^GHH', 12: 'Booked' }),
    seg('AIP', {
      1: '1',
      2: 'A',
      3: '1122334455^HEART^HARRY^^^DR^^^NPI',
      4: 'AT^Attending^HL70443',
      11: 'No',
    }),
  ),
  'ADT A01: PR1, AL1 severities, PV1 with alternate visit id': er7(
    'MSH|^~\\&|ADT1|GHH|EHR|GHH|202405061230-0400||ADT^A01^ADT_A01|A-1|P|2.5.1',
    'EVN|A01|202405061230',
    PID,
    seg('PV1', { 1: '1', 2: 'I', 44: '202405061200', 45: '202405091200', 50: 'ALT-1^^^GHH' }),
    'AL1|1|DA|70618^Penicillin^RXNORM|SV|HIVES',
    'AL1|2|FA|^Peanuts|MO',
    'AL1|3|DA|^Codeine|U',
    seg('PR1', {
      1: '1',
      3: '0DTJ4ZZ^Appendectomy^I10P',
      5: '202405061300-0400',
      6: 'P',
      7: '45',
      11: '222^CUTTER^CARL^^^^^^NPI',
      15: 'K35.80^Appendicitis^I10C',
    }),
  ),
  'ADT A08: pre-admit PV1 without visit number': er7(
    'MSH|^~\\&|ADT1|GHH|EHR|GHH|202405061230-0400||ADT^A08^ADT_A01|A-2|P|2.5.1',
    'EVN|A08|202405061230',
    PID,
    seg('PV1', { 1: '1', 2: 'P', 3: 'WARD^1^A' }),
  ),
  'ORM: AL1 and IN1 with the order': er7(
    'MSH|^~\\&|CPOE|GHH|LAB|ACME LAB|202405061200-0400||ORM^O01^ORM_O01|O-1|P|2.5.1',
    PID,
    seg('PV1', { 1: '1', 2: 'O', 19: 'V9^^^GHH^VN' }),
    seg('IN1', { 1: '1', 2: 'GOLD^Gold plan', 3: 'IC1^^^GHH', 4: 'ACME INSURANCE', 36: 'POL-1' }),
    'AL1|1|DA|70618^Penicillin^RXNORM|SV',
    seg('ORC', { 1: 'NW', 2: 'ORD-1^EHR' }),
    seg('OBR', { 1: '1', 2: 'ORD-1^EHR', 4: '24323-8^CMP^LN' }),
    'NTE|1|P|fasting',
  ),
  'MDM: ORC/OBR before TXA': er7(
    'MSH|^~\\&|DICT|GHH|EHR|GHH|202405061200-0400||MDM^T02^MDM_T02|M-1|P|2.5.1',
    'EVN|T02|202405061200',
    PID,
    seg('PV1', { 1: '1', 2: 'O' }),
    seg('ORC', { 1: 'RE', 2: 'ORD-3^EHR', 3: 'RAD-3^RIS' }),
    seg('OBR', { 1: '1', 2: 'ORD-3^EHR', 3: 'RAD-3^RIS', 4: '71045^Chest X-ray^CPT' }),
    seg('TXA', { 1: '1', 2: 'RAD^Radiology report', 3: 'TX', 12: 'DOC-3^RIS', 17: 'AU' }),
    'OBX|1|TX|RAD^Report^L||No acute findings||||||F',
  ),
};

describe('message structure Bundles pass HAPI FHIR R4 $validate', () => {
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await fhirServer();
  }, FHIR_SERVER_TIMEOUT_MS);

  it.each(Object.entries(MESSAGES))('%s', async (_name, text) => {
    const { bundle } = convertText(text);
    const errors = hapiErrors(await hapiValidate(baseUrl, bundle));
    expect(errors.map((e) => `${e.location}: ${e.messageId ?? ''} ${e.message}`)).toEqual([]);
  });
});
