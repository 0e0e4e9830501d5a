import { contentFingerprint } from './fingerprint';
import { parseHl7 } from './hl7-message';

// Synthetic messages: no real patient.
const text = ({
  time = '20260101120000',
  seq = '',
  pid = 'PID|1||MRN-1^^^FAC^MR||DOE^JANE',
  eol = '\r',
} = {}) =>
  [
    `MSH|^~\\&|APP|FAC|MERIDIAN|MERIDIAN|${time}||ADT^A01|C1|P|2.5.1|${seq}`,
    'EVN||20260101120000',
    pid,
    'PV1|1|I',
  ].join(eol) + eol;
const fp = (t: string): string => {
  const parsed = parseHl7(t);
  if (!parsed.ok) throw new Error(parsed.error.reason);
  return contentFingerprint(parsed.message);
};

describe('contentFingerprint', () => {
  const base = fp(text());

  it('is a SHA-256 in hex', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores what a resend may change: MSH-7, MSH-13, line ends, blank lines, BOM, trailing empty fields', () => {
    expect(fp(text({ time: '20260101120500' }))).toBe(base);
    expect(fp(text({ seq: '42' }))).toBe(base);
    expect(fp(text({ eol: '\r\n' }))).toBe(base);
    expect(fp(text({ eol: '\n' }))).toBe(base);
    expect(fp('\uFEFF' + text().replace('\rPV1', '\r\rPV1'))).toBe(base);
    expect(fp(text({ pid: 'PID|1||MRN-1^^^FAC^MR||DOE^JANE|||' }))).toBe(base);
  });

  it('changes with anything else: a field, the control id, the sender, a segment added', () => {
    expect(fp(text({ pid: 'PID|1||MRN-2^^^FAC^MR||DOE^JANE' }))).not.toBe(base);
    expect(fp(text({ pid: 'PID|1||MRN-1^^^FAC^MR||DOE^JANE^^' }))).not.toBe(base);
    expect(fp(text().replace('|C1|', '|C2|'))).not.toBe(base);
    expect(fp(text().replace('|FAC|', '|OTHER|'))).not.toBe(base);
    expect(fp(text().replace('ADT^A01', 'ADT^A08'))).not.toBe(base);
    expect(fp(text() + 'ZPI|1\r')).not.toBe(base);
    expect(fp(text().replace('EVN||20260101120000', 'EVN||20260101120001'))).not.toBe(base);
  });
});
