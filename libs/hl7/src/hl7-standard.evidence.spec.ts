import HL7 from 'hl7-standard';
import { parseHl7 } from './hl7-message';
import { fixtureText } from './test-fixtures';

// Executable evidence for the README: what hl7-standard 1.0.4 does with the shared samples, next to
// what this library does. If one of these starts failing, hl7-standard changed and the README is stale.
function transform(text: string, options?: { lineEndings?: string }): { hl7: HL7; error?: Error } {
  const hl7 = new HL7(text, options);
  let error: Error | undefined;
  try {
    hl7.transform((e) => {
      error = e ?? undefined;
    });
  } catch (e) {
    error = e as Error;
  }
  return { hl7, error };
}

describe('hl7-standard 1.0.4 (evidence for the README)', () => {
  it('does not decode escape sequences', () => {
    const { hl7 } = transform(fixtureText('adt_a01_glion_1.hl7'));
    expect(hl7.get('PID.5.1')).toBe('DOE\\T\\SMITH');
    const ours = parseHl7(fixtureText('adt_a01_glion_1.hl7'));
    expect(ours.ok && ours.message.get('PID-5.1')).toBe('DOE&SMITH');
  });

  it('hard-codes | and ^: a message with other delimiters yields nothing, without an error', () => {
    const { hl7, error } = transform(fixtureText('adt_a01_glion_4.hl7'));
    expect(error).toBeUndefined();
    expect(hl7.transformed).toEqual({});
    expect(parseHl7(fixtureText('adt_a01_glion_4.hl7')).ok).toBe(true);
  });

  it('overwrites MSH-2 with the default, losing a v2.7 truncation character', () => {
    const { hl7 } = transform('MSH|^~\\&#|A|B|C|D|1||ADT^A01|1|P|2.7\r');
    expect(hl7.get('MSH.2')).toBe('^~\\&');
  });

  it('returns the explicit null as the two-character string', () => {
    const { hl7 } = transform(fixtureText('adt_a01_pythonhl7_1.hl7'));
    expect(hl7.get('PV1.45')).toBe('""');
  });

  it('accepts the 4-letter segment id PIDX as PID, and misreports PV as a line-ending problem', () => {
    const pidx = transform('MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\rPIDX|1||12345^^^MRN\r');
    expect(pidx.error).toBeUndefined();
    expect(Object.keys(pidx.hl7.transformed)).toEqual(['MSH', 'PID']);
    const segid = transform(fixtureText('malformed_segid_glion_1.hl7'));
    expect(segid.error?.message).toBe('HL7 Data contains invalid EOL characters');
  });

  it('splits on the most frequent line ending only, so mixed endings leak CR into values', () => {
    const { hl7 } = transform('MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\r\nPID|1||X\nPV1|1|I\n');
    expect(hl7.get('MSH.12')).toBe('2.5\r');
  });

  it('does not round-trip: build() appends a field separator to every segment', () => {
    const text = fixtureText('orm_o01_simplehl7_1.hl7');
    const { hl7 } = transform(text, { lineEndings: '\r' });
    expect(hl7.build()).not.toBe(text.replace(/\r$/, ''));
    expect(hl7.build().split('\r')[0].endsWith('|2.3|')).toBe(true);
  });

  it('splits batches but does not check BTS/FTS counts', () => {
    const { hl7, error } = transform('BHS|^~\\&\rMSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\rBTS|5\r');
    expect(error).toBeUndefined();
    expect(hl7.container).toHaveLength(1);
  });

  it('does read UTF-8 text, CRLF files and the standard delimiters correctly', () => {
    expect(transform(fixtureText('adt_a01_glion_3.hl7')).hl7.get('PID.5.1')).toBe('MÜLLER');
    expect(transform(fixtureText('malformed_adt_a01_glion_1.hl7')).hl7.get('PID.8')).toBe('M');
    expect(transform(fixtureText('adt_a01_glion_5.hl7')).hl7.get('PID.13', 0, 11)).toEqual({
      'PID.13.1': '555-0012',
    });
  });
});
