import type { Hl7Error } from './hl7-error';
import type { Hl7Message } from './hl7-message';
import type { Hl7Segment } from './hl7-segment';

/**
 * Required fields without which a message cannot be converted, checked at intake next to the
 * structure (HL7 v2.5.1 optionality, chapter 2 MSH, chapter 3 PID and MRG):
 *
 * - MSH-7 (date/time of message, R): the time the FHIR Provenance records. Real feeds that leave it
 *   empty sometimes carry EVN-2 (recorded date/time), which the conversion uses instead, so MSH-7 is
 *   refused only when neither gives a date. Missing → 101; present but not starting with a year → 102.
 * - PID-3 (patient identifier list, R): every patient must be identifiable. PID-2 and PID-4 (the
 *   v2.3 external and alternate ids, kept for backward compatibility) count too: the conversion
 *   matches on any of them. A PID whose PID-2, PID-3 and PID-4 hold no id (CX.1) → 101 at PID-3.
 * - MRG-1 (prior patient identifier list, R): what a merge (A40) merges away. Without it → 101.
 *
 * Returns the first problem, as `checkMessageStructure` does; undefined when all are present.
 */
export function checkRequiredFields(message: Hl7Message): Hl7Error | undefined {
  const time = messageTime(message);
  if (time) return time;
  for (const [index, segment] of message.segments.entries()) {
    const sequence = index + 1;
    if (segment.name === 'PID' && ![3, 2, 4].some((field) => hasIdentifier(segment, field))) {
      return {
        code: '101',
        segment: 'PID',
        sequence,
        field: 3,
        reason:
          'PID-3 (patient identifier list) is empty, and so are PID-2 and PID-4: the patient cannot be identified',
      };
    }
    if (segment.name === 'MRG' && !hasIdentifier(segment, 1)) {
      return {
        code: '101',
        segment: 'MRG',
        sequence,
        field: 1,
        reason: 'MRG-1 (prior patient identifier list) is empty: there is no patient to merge',
      };
    }
  }
  return undefined;
}

const YEAR_FIRST = /^\d{4}/;

function messageTime(message: Hl7Message): Hl7Error | undefined {
  const msh7 = message.segments[0].rawAt(7, 1, 1, 1);
  if (msh7 !== undefined && YEAR_FIRST.test(msh7)) return undefined;
  const evn2 = message.segment('EVN')?.rawAt(2, 1, 1, 1);
  if (evn2 !== undefined && YEAR_FIRST.test(evn2)) return undefined;
  return msh7 === undefined || msh7 === '""'
    ? {
        code: '101',
        segment: 'MSH',
        sequence: 1,
        field: 7,
        reason: 'MSH-7 (date/time of message) is empty, and no EVN-2 gives the time instead',
      }
    : {
        code: '102',
        segment: 'MSH',
        sequence: 1,
        field: 7,
        reason: 'MSH-7 (date/time of message) is not an HL7 date/time, and no EVN-2 gives the time instead',
      };
}

/** Whether some repetition of a CX field holds an id (CX.1, not the explicit null). */
function hasIdentifier(segment: Hl7Segment, field: number): boolean {
  return segment.rawRepetitions(field).some((_, i) => {
    const id = segment.rawAt(field, i + 1, 1, 1)?.trim();
    return id !== undefined && id !== '' && id !== '""';
  });
}
