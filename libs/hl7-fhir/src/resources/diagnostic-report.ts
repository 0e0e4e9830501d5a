import type { ConversionContext } from '../context';
import { cwe, normaliseCode, tableConcept } from '../datatypes';
import { REPORT_STATUS } from '../tables';
import type { V2Segment } from '../v2-reader';
import { buildObservation, unknownConcept } from './observation';
import { orderIdentifiers } from './order-identifiers';
import { practitionerRef } from './practitioner';
import { buildServiceRequest } from './service-request';
import { buildSpecimen } from './specimen';

export interface ResultGroup {
  obx: V2Segment;
  notes: V2Segment[];
  /** The SPM whose SPECIMEN group the OBX is in (an observation about that specimen). */
  spm?: V2Segment;
}

export interface ReportInput {
  orc?: V2Segment;
  obr: V2Segment;
  notes: V2Segment[];
  results: ResultGroup[];
  specimens: V2Segment[];
  patient: fhir4.Reference;
  patientKey: string;
  encounter?: fhir4.Reference;
  /** Keys used so far in this message (observations and reports): a repeat never overwrites. */
  usedKeys: Set<string>;
}

/**
 * OBR + OBX… → DiagnosticReport and its Observations, one report per OBR. Identifiers from OBR-3 /
 * OBR-2, else ORC-3 / ORC-2 (IG); matched on the filler number (else placer); without either, keyed
 * on patient + code + OBR-7, or the message and OBR position. Every Observation of the OBR (its
 * OBSERVATION groups and the OBX of its SPECIMEN groups) is listed in `result`.
 *
 * OBR NTEs: R4's DiagnosticReport has no note (the R5 cross-version extension is not valid in R4),
 * so, as the V2-to-FHIR IG maps ORC/OBR of an ORU to a ServiceRequest too, they go to that order's
 * ServiceRequest.note. The ServiceRequest is created only if missing (conditional create on its
 * number): a result never overwrites the order the placer's ORM wrote.
 */
export function buildDiagnosticReport(ctx: ConversionContext, input: ReportInput): fhir4.Reference {
  const { obr, orc } = input;
  let ids = orderIdentifiers(ctx, orc, obr, 'OBR');
  let matchOn = ids.filler ?? ids.placer;
  let code = cwe(ctx, obr.rep(4));
  if (code === undefined) {
    ctx.warn('MISSING_VALUE', obr.loc(4), 'universal service identifier missing; report code marked unknown');
    code = unknownConcept();
  }
  const observed = obr.text(7);
  const codeKey = code.coding?.[0] ? `${code.coding[0].system ?? ''}|${code.coding[0].code}` : code.text;
  const fallbackKey =
    codeKey !== undefined && observed !== undefined
      ? `${input.patientKey}|${codeKey}|${observed}`
      : `${input.patientKey}|message:${ctx.msg.msh.text(10) ?? ''}|${obr.loc()}`;
  let key = matchOn?.system !== undefined ? `${matchOn.system}|${matchOn.value}` : fallbackKey;
  if (input.usedKeys.has(`DiagnosticReport|${key}`)) {
    // Two OBRs of one message with the same number (an ORC number both inherit, a sender that
    // repeats OBR-3): each stays its own report, matched by position instead of the shared number,
    // so neither replaces the other and no Observation is left out of a report.
    ctx.warn(
      'UNEXPECTED_REPETITION',
      obr.loc(3),
      'report number already used by an earlier OBR of this message; this report is matched by position',
    );
    ids = { group: ids.group };
    matchOn = undefined;
    key = `${input.patientKey}|message:${ctx.msg.msh.text(10) ?? ''}|${obr.loc()}`;
  }
  input.usedKeys.add(`DiagnosticReport|${key}`);

  const statusCode = normaliseCode(obr.text(25))?.toUpperCase();
  let status = statusCode !== undefined ? REPORT_STATUS[statusCode] : undefined;
  if (status === undefined) {
    ctx.warn(
      statusCode === undefined ? 'MISSING_VALUE' : 'UNMAPPED_CODE',
      obr.loc(25),
      'result status missing or not in HL7 table 0123; report status set to unknown',
    );
    status = 'unknown';
  }
  const effective = ctx.period(observed, obr.loc(7), obr.text(8), obr.loc(8));
  const effectiveStart = effective?.start;
  const effectiveEnd = effective?.end;
  const issued = ctx.instant(obr.text(22), obr.loc(22));
  const basedOn = buildServiceRequest(ctx, {
    orc,
    obr,
    notes: input.notes,
    diagnoses: [],
    patient: input.patient,
    patientKey: input.patientKey,
    encounter: input.encounter,
    identifiers: ids,
    mode: 'create-if-missing',
  });

  const specimenRefs = new Map<V2Segment, fhir4.Reference>();
  // The SPM-2 keys this order has used: the same SPM-2 twice under one OBR stays two Specimens, as in
  // OML; the same SPM-2 under another OBR of the message is one Specimen both reports list.
  const seen = new Set<string>();
  for (const spm of input.specimens) {
    const ref = buildSpecimen(ctx, spm, input.patient, key, basedOn, seen);
    if (ref) specimenRefs.set(spm, ref);
  }
  const specimen = [...specimenRefs.values()];
  const result: fhir4.Reference[] = [];
  const presentedForm: fhir4.Attachment[] = [];
  for (const group of input.results) {
    const outcome = buildObservation(ctx, {
      obx: group.obx,
      notes: group.notes,
      patient: input.patient,
      encounter: input.encounter,
      basedOn,
      // An OBX of a SPECIMEN group is about that specimen; any other about the report's only one.
      specimen:
        group.spm !== undefined
          ? specimenRefs.get(group.spm)
          : specimen.length === 1
            ? specimen[0]
            : undefined,
      groupKey: key,
      effectiveFallback: effectiveStart,
      issued,
      allowAttachment: group.spm === undefined,
      usedKeys: input.usedKeys,
    });
    if (outcome.kind === 'observation') result.push(outcome.ref);
    else if (outcome.kind === 'attachment') presentedForm.push(outcome.attachment);
  }

  const interpreter = obr.rep(32)?.nested(1);
  const report: fhir4.DiagnosticReport = {
    resourceType: 'DiagnosticReport',
    identifier: [ids.filler, ids.placer].filter((i) => i !== undefined),
    basedOn: [basedOn],
    status,
    category: [tableConcept(ctx, obr.text(24), '0074')].filter((c) => c !== undefined),
    code,
    subject: input.patient,
    encounter: input.encounter,
    ...(effectiveEnd !== undefined
      ? { effectivePeriod: { start: effectiveStart, end: effectiveEnd } }
      : { effectiveDateTime: effectiveStart }),
    issued,
    resultsInterpreter: [practitionerRef(ctx, interpreter)].filter((r) => r !== undefined),
    specimen,
    result,
    presentedForm,
  };
  return ctx.bundle.add(report, matchOn?.system !== undefined ? { identifier: matchOn, key } : { key });
}
