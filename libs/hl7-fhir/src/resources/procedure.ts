import { knownCodeSystemHas } from '@meridian/fhir';
import type { ConversionContext } from '../context';
import { fromEpochMs, toEpochMs, toFhirDateTime } from '../datetime';
import { cwe, ei, normaliseCode } from '../datatypes';
import { V2_TABLE } from '../systems';
import type { V2Segment } from '../v2-reader';
import { unknownConcept } from './observation';
import { practitionerRef } from './practitioner';

export interface ProcedureInput {
  pr1: V2Segment;
  patient: fhir4.Reference;
  patientKey: string;
  encounter?: fhir4.Reference;
  encounterKey?: string;
}

/** PR1 performer fields and the function each names. */
const PERFORMERS: [number, string][] = [
  [11, 'surgeon'],
  [8, 'anesthesiologist'],
  [12, 'procedure practitioner'],
];

/**
 * PR1 → Procedure (V2-to-FHIR IG, PR1 → Procedure): PR1-3 code, PR1-5 performed (with PR1-7 minutes
 * a period), PR1-6 functional type (table 0230) as category, PR1-8/11/12 performers, PR1-15
 * associated diagnosis as reason, PR1-19 identifier. A PR1 reports a procedure that was done, so
 * the status is completed; action code D (PR1-20) withdraws it (entered-in-error). Matched on
 * PR1-19, else the visit (or patient), code and time.
 */
export function buildProcedure(ctx: ConversionContext, input: ProcedureInput): fhir4.Reference {
  const { pr1 } = input;
  let code = cwe(ctx, pr1.rep(3));
  if (code === undefined) {
    // PR1-4 (description, deprecated) is all some senders give.
    const description = pr1.text(4);
    code = description !== undefined ? { text: description } : undefined;
  }
  if (code === undefined) {
    ctx.warn('MISSING_VALUE', pr1.loc(3), 'procedure code missing; code marked unknown');
    code = unknownConcept();
  }
  const performedText = pr1.text(5);
  const performed = ctx.parseDate(performedText, pr1.loc(5));
  const performedStart = performed && toFhirDateTime(performed, ctx.tz);
  const minutesText = pr1.text(7);
  const minutes =
    minutesText !== undefined && /^\d+(\.\d+)?$/.test(minutesText) ? Number(minutesText) : undefined;
  // A period only when the start has a time of day: minutes added to a date alone would invent one.
  const performedEnd =
    performed !== undefined && performed.hour !== undefined && minutes !== undefined && minutes > 0
      ? fromEpochMs(toEpochMs(performed, ctx.tz) + Math.round(minutes * 60000), performed, ctx.tz)
      : undefined;

  const functional = normaliseCode(pr1.text(6))?.toUpperCase();
  const category =
    functional !== undefined && knownCodeSystemHas(V2_TABLE('0230'), functional) === true
      ? { coding: [{ system: V2_TABLE('0230'), code: functional }] }
      : undefined;
  const performer: fhir4.ProcedurePerformer[] = [];
  for (const [field, role] of PERFORMERS) {
    for (const rep of pr1.reps(field)) {
      const actor = practitionerRef(ctx, rep);
      if (actor) performer.push({ function: { text: role }, actor });
    }
  }
  const identifier = ei(ctx, pr1.rep(19));
  const withdrawn = normaliseCode(pr1.text(20))?.toUpperCase() === 'D';
  const procedure: fhir4.Procedure = {
    resourceType: 'Procedure',
    identifier: identifier && [identifier],
    status: withdrawn ? 'entered-in-error' : 'completed',
    category,
    code,
    subject: input.patient,
    encounter: input.encounter,
    ...(performedEnd !== undefined
      ? { performedPeriod: { start: performedStart, end: performedEnd } }
      : { performedDateTime: performedStart }),
    performer,
    reasonCode: pr1
      .reps(15)
      .map((r) => cwe(ctx, r))
      .filter((c) => c !== undefined),
  };
  const codeKey = code.coding?.[0]
    ? `${code.coding[0].system ?? ''}|${code.coding[0].code}`
    : (code.text ?? '');
  const key =
    identifier?.system !== undefined
      ? `${identifier.system}|${identifier.value}`
      : `${input.encounterKey ?? input.patientKey}|${codeKey}|${performedText ?? pr1.text(1) ?? pr1.loc()}`;
  return ctx.bundle.add(procedure, identifier?.system !== undefined ? { identifier, key } : { key });
}
