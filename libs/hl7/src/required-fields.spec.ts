import { parseHl7 } from './hl7-message';
import { checkRequiredFields } from './required-fields';

// Synthetic messages: no real patient.
const msg = (time: string, ...segments: string[]) => {
  const parsed = parseHl7(
    [`MSH|^~\\&|APP|FAC|MERIDIAN|MERIDIAN|${time}||ADT^A01|C1|P|2.5.1`, ...segments].join('\r') + '\r',
  );
  if (!parsed.ok) throw new Error(parsed.error.reason);
  return parsed.message;
};
const PID = 'PID|1||MRN-1^^^FAC^MR||DOE^JANE';

describe('checkRequiredFields', () => {
  it('accepts a message time from MSH-7, else from EVN-2', () => {
    expect(checkRequiredFields(msg('20260101120000', PID))).toBeUndefined();
    expect(checkRequiredFields(msg('2026', PID))).toBeUndefined();
    expect(checkRequiredFields(msg('', 'EVN|A01|20260101120000', PID))).toBeUndefined();
  });

  it('refuses a message without any message time: 101 when empty, 102 when not a date', () => {
    expect(checkRequiredFields(msg('', PID))).toEqual({
      code: '101',
      segment: 'MSH',
      sequence: 1,
      field: 7,
      reason: 'MSH-7 (date/time of message) is empty, and no EVN-2 gives the time instead',
    });
    expect(checkRequiredFields(msg('""', 'EVN|A01', PID))).toMatchObject({ code: '101', field: 7 });
    expect(checkRequiredFields(msg('yesterday', PID))).toMatchObject({
      code: '102',
      segment: 'MSH',
      field: 7,
    });
  });

  it('takes a patient id from PID-3, PID-2 or PID-4, and refuses a PID with none', () => {
    expect(checkRequiredFields(msg('2026', 'PID|1|EXT-1||'))).toBeUndefined();
    expect(checkRequiredFields(msg('2026', 'PID|1|||~ALT-1'))).toBeUndefined();
    expect(checkRequiredFields(msg('2026', PID, 'PV1|1|I', 'PID|2||^^^FAC^MR~""||ROE^RICHARD'))).toEqual({
      code: '101',
      segment: 'PID',
      sequence: 4,
      field: 3,
      reason:
        'PID-3 (patient identifier list) is empty, and so are PID-2 and PID-4: the patient cannot be identified',
    });
  });

  it('refuses a merge without the prior identifier', () => {
    expect(checkRequiredFields(msg('2026', PID, 'MRG|OLD-1^^^FAC^MR'))).toBeUndefined();
    expect(checkRequiredFields(msg('2026', PID, 'MRG||OLD-ACCOUNT'))).toMatchObject({
      code: '101',
      segment: 'MRG',
      sequence: 3,
      field: 1,
    });
  });
});
