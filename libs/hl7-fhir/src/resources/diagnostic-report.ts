import type { ConversionContext } from '../context';
import { cwe, normaliseCode, tableConcept } from '../datatypes';
import { REPORT_STATUS } from '../tables';
import type { V2Segment } from '../v2-reader';
import { buildObservation, notesOf, unknownConcept } from './observation';
import { orderIdentifiers, orderReference } from './order-identifiers';
import { practitionerRef } from './practitioner';
import { buildSpecimen } from './specimen';

/** R5's DiagnosticReport.note, carried into R4 with the standard cross-version extension. */
const EXT_REPORT_NOTE = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-DiagnosticReport.note';

export interface ResultGroup {
  obx: V2Segment;
  notes: V2Segment[];
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
  usedKeys: Set<string>;
}

/**
 * OBR + OBX… → DiagnosticReport and its Observations. Matched on the filler number (else placer);
 * without either, keyed on patient + code + OBR-7, or the message and OBR position.
 */
export function buildDiagnosticReport(ctx: ConversionContext, input: ReportInput): fhir4.Reference {
  const { obr, orc } = input;
  const ids = orderIdentifiers(ctx, orc, obr);
  const matchOn = ids.filler ?? ids.placer;
  let code = cwe(ctx, obr.rep(4));
  if (code === undefined) {
    ctx.warn('MISSING_VALUE', obr.loc(4), 'universal service identifier missing; report code marked unknown');
    code = unknownConcept();
  }
  const observed = obr.text(7);
  const codeKey = code.coding?.[0] ? `${code.coding[0].system ?? ''}|${code.coding[0].code}` : code.text;
  const key =
    matchOn?.system !== undefined
      ? `${matchOn.system}|${matchOn.value}`
      : codeKey !== undefined && observed !== undefined
        ? `${input.patientKey}|${codeKey}|${observed}`
        : `${input.patientKey}|message:${ctx.msg.msh.text(10) ?? ''}|${obr.loc()}`;

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
  const effectiveStart = ctx.dateTime(observed, obr.loc(7));
  const effectiveEnd = ctx.dateTime(obr.text(8), obr.loc(8));
  const issued = ctx.instant(obr.text(22), obr.loc(22));
  const basedOn = orderReference(ids);

  const specimen = input.specimens
    .map((spm) => buildSpecimen(ctx, spm, input.patient, key))
    .filter((r) => r !== undefined);
  const result: fhir4.Reference[] = [];
  const presentedForm: fhir4.Attachment[] = [];
  for (const group of input.results) {
    const outcome = buildObservation(ctx, {
      obx: group.obx,
      notes: group.notes,
      patient: input.patient,
      encounter: input.encounter,
      basedOn,
      specimen: specimen.length === 1 ? specimen[0] : undefined,
      groupKey: key,
      effectiveFallback: effectiveStart,
      issued,
      allowAttachment: true,
      usedKeys: input.usedKeys,
    });
    if (outcome.kind === 'observation') result.push(outcome.ref);
    else if (outcome.kind === 'attachment') presentedForm.push(outcome.attachment);
  }

  const interpreter = obr.rep(32)?.nested(1);
  const report: fhir4.DiagnosticReport = {
    resourceType: 'DiagnosticReport',
    extension: notesOf(input.notes).map((valueAnnotation) => ({ url: EXT_REPORT_NOTE, valueAnnotation })),
    identifier: [ids.filler, ids.placer].filter((i) => i !== undefined),
    basedOn: basedOn && [basedOn],
    status,
    category: [tableConcept(obr.text(24), '0074')].filter((c) => c !== undefined),
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
