import type { ConversionContext } from '../context';
import { cwe, cweInTable, normaliseCode } from '../datatypes';
import { V2_TABLE } from '../systems';
import type { V2Segment } from '../v2-reader';
import type { ResultGroup } from './diagnostic-report';
import { locationRef } from './location';
import { unknownConcept } from './observation';
import { decimal, unitOf } from './observation-value';
import { orderIdentifiers } from './order-identifiers';
import { practitionerRef } from './practitioner';

/** The immunization-origin code system (Immunization.reportOrigin's example binding in R4). */
const IMMUNIZATION_ORIGIN = 'http://terminology.hl7.org/CodeSystem/immunization-origin';

/** CDC NIP001 (RXA-9 information source) codes with an immunization-origin counterpart. */
const NIP001_ORIGIN: Record<string, string> = {
  '02': 'provider',
  '03': 'record',
  '04': 'recall',
  '07': 'school',
};

/** OBX-3 LOINC codes that the R4 Immunization mapping places in Immunization elements. */
const OBX_FUNDING_ELIGIBILITY = '64994-7';
const OBX_FUNDING_SOURCE = '30963-3';
const OBX_VIS_DOCUMENT_TYPE = '69764-9';
const OBX_VIS_PUBLISHED = '29768-9';
const OBX_VIS_PRESENTED = '29769-7';

/** RXA-20 completion status (HL7 table 0322), per the V2-to-FHIR IG's CompletionStatus map. */
const COMPLETION_STATUS: Record<string, { status: fhir4.Immunization['status']; subpotent?: boolean }> = {
  CP: { status: 'completed' },
  RE: { status: 'not-done' },
  NA: { status: 'not-done' },
  PA: { status: 'completed', subpotent: true },
};

/** CDC convention: an RXA-6 of 999 means the amount is not known. */
const UNKNOWN_AMOUNT = '999';

export interface ImmunizationInput {
  orc?: V2Segment;
  rxa: V2Segment;
  rxr?: V2Segment;
  /** OBX (+ NTE) of the order: those the Immunization holds are taken, `rest` is returned. */
  results: ResultGroup[];
  patient: fhir4.Reference;
  patientKey: string;
  encounter?: fhir4.Reference;
}

export interface ImmunizationResult {
  ref: fhir4.Reference;
  /** OBX that are not Immunization elements: Observations `partOf` the Immunization. */
  rest: ResultGroup[];
}

const obxCode = (obx: V2Segment): string | undefined => normaliseCode(obx.rep(3)?.text(1));

/**
 * OBX under RXA → programEligibility (64994-7), fundingSource (30963-3) and education (VIS: a
 * document type 69764-9 with the publication 29768-9 and presentation 29769-7 dates of the same OBX-4
 * sub-id). A VIS sub-id without a document type cannot be an education entry (R4 imm-1), so its OBX
 * stay Observations, as does everything else.
 */
function immunizationObservations(
  ctx: ConversionContext,
  results: ResultGroup[],
): Pick<fhir4.Immunization, 'programEligibility' | 'fundingSource' | 'education'> & { rest: ResultGroup[] } {
  const programEligibility: fhir4.CodeableConcept[] = [];
  let fundingSource: fhir4.CodeableConcept | undefined;
  const visBySubId = new Map<string, ResultGroup[]>();
  const taken = new Set<ResultGroup>();
  for (const result of results) {
    const { obx } = result;
    const code = obxCode(obx);
    const concept =
      code === OBX_FUNDING_ELIGIBILITY || code === OBX_FUNDING_SOURCE ? cwe(ctx, obx.rep(5)) : undefined;
    if (concept !== undefined && code === OBX_FUNDING_ELIGIBILITY) {
      programEligibility.push(concept);
      taken.add(result);
    } else if (concept !== undefined && code === OBX_FUNDING_SOURCE && fundingSource === undefined) {
      fundingSource = concept;
      taken.add(result);
    } else if (code === OBX_VIS_DOCUMENT_TYPE || code === OBX_VIS_PUBLISHED || code === OBX_VIS_PRESENTED) {
      const subId = obx.text(4) ?? '';
      visBySubId.set(subId, [...(visBySubId.get(subId) ?? []), result]);
    }
  }
  const education: fhir4.ImmunizationEducation[] = [];
  for (const group of visBySubId.values()) {
    const find = (code: string) => group.find((r) => obxCode(r.obx) === code)?.obx;
    const docType = find(OBX_VIS_DOCUMENT_TYPE);
    const documentType = docType?.rep(5)?.text(1) ?? docType?.rep(5)?.text(2);
    if (documentType === undefined) continue;
    const published = find(OBX_VIS_PUBLISHED);
    const presented = find(OBX_VIS_PRESENTED);
    education.push({
      documentType,
      publicationDate: published && ctx.dateTime(published.text(5), published.loc(5)),
      presentationDate: presented && ctx.dateTime(presented.text(5), presented.loc(5)),
    });
    for (const r of group) taken.add(r);
  }
  // What is left stays in message order.
  const rest = results.filter((r) => !taken.has(r));
  return { programEligibility, fundingSource, education, rest };
}

function status(ctx: ConversionContext, rxa: V2Segment): Pick<fhir4.Immunization, 'status' | 'isSubpotent'> {
  if (normaliseCode(rxa.text(21))?.toUpperCase() === 'D') return { status: 'entered-in-error' };
  const code = normaliseCode(rxa.text(20))?.toUpperCase();
  if (code === undefined) return { status: 'completed' };
  const mapped = COMPLETION_STATUS[code];
  if (mapped === undefined) {
    ctx.warn(
      'UNMAPPED_CODE',
      rxa.loc(20),
      'completion status is not an HL7 table 0322 code; taken as completed',
    );
    return { status: 'completed' };
  }
  return { status: mapped.status, isSubpotent: mapped.subpotent };
}

/** RXA-9 → primarySource (00: a new record, from the one who gave it) and reportOrigin for historical records. */
function source(
  ctx: ConversionContext,
  rxa: V2Segment,
): Pick<fhir4.Immunization, 'primarySource' | 'reportOrigin'> {
  const rep = rxa.rep(9);
  const code = normaliseCode(rep?.text(1));
  if (code === undefined) return {};
  if (code === '00') return { primarySource: true };
  const reportOrigin = cwe(ctx, rep);
  const origin = NIP001_ORIGIN[code];
  if (reportOrigin && origin !== undefined) {
    reportOrigin.coding = [...(reportOrigin.coding ?? []), { system: IMMUNIZATION_ORIGIN, code: origin }];
  }
  return { primarySource: false, reportOrigin };
}

/** RXA-17 (MVX) → the manufacturer Organization, identified by its code; a name alone is a display. */
function manufacturer(
  ctx: ConversionContext,
  rep: ReturnType<V2Segment['rep']>,
): fhir4.Reference | undefined {
  const concept = cwe(ctx, rep);
  const coding = concept?.coding?.[0];
  const name = coding?.display ?? concept?.text;
  if (coding?.system !== undefined && coding.code !== undefined) {
    const identifier = { system: coding.system, value: coding.code };
    const ref = ctx.bundle.add(
      { resourceType: 'Organization', identifier: [identifier], active: true, name: name ?? coding.code },
      { identifier, mode: 'create-if-missing' },
    );
    return { ...ref, display: name };
  }
  return name === undefined ? undefined : { display: name };
}

function performer(
  ctx: ConversionContext,
  reps: ReturnType<V2Segment['reps']>,
  code: 'AP' | 'OP',
  display: string,
): fhir4.ImmunizationPerformer[] {
  return reps
    .map((r) => practitionerRef(ctx, r))
    .filter((actor) => actor !== undefined)
    .map((actor) => ({ function: { coding: [{ system: V2_TABLE('0443'), code, display }] }, actor }));
}

/**
 * ORC + RXA (+ RXR, OBX) → Immunization, per the V2-to-FHIR IG's RXA, ORC and RXR maps: matched on
 * the filler order number (ORC-3, the sender's id of the dose record), else the placer; without
 * either, keyed on the patient, vaccine and administration time.
 */
export function buildImmunization(ctx: ConversionContext, input: ImmunizationInput): ImmunizationResult {
  const { orc, rxa, rxr } = input;
  const ids = orderIdentifiers(ctx, orc, undefined);
  const matchOn = ids.filler ?? ids.placer;
  let vaccineCode = cwe(ctx, rxa.rep(5));
  if (vaccineCode === undefined) {
    ctx.warn('MISSING_VALUE', rxa.loc(5), 'administered code missing; vaccine code marked unknown');
    vaccineCode = unknownConcept();
  }
  const occurrence = ctx.dateTime(rxa.text(3), rxa.loc(3));
  if (occurrence === undefined) {
    ctx.warn(
      'MISSING_VALUE',
      rxa.loc(3),
      'administration time missing or unusable; occurrence marked unknown',
    );
  }
  const amountText = rxa.text(6);
  const amount = amountText === UNKNOWN_AMOUNT ? undefined : decimal(amountText);
  if (amountText !== undefined && amountText !== UNKNOWN_AMOUNT && amount === undefined) {
    ctx.warn('INVALID_NUMBER', rxa.loc(6), 'administered amount is not a number; dose omitted');
  }
  const unit = unitOf(ctx, rxa.rep(7));
  const fromObx = immunizationObservations(ctx, input.results);
  const immunization: fhir4.Immunization = {
    resourceType: 'Immunization',
    identifier: [ids.filler, ids.placer].filter((i) => i !== undefined),
    ...status(ctx, rxa),
    statusReason: cwe(ctx, rxa.rep(18)),
    vaccineCode,
    patient: input.patient,
    encounter: input.encounter,
    ...(occurrence !== undefined
      ? { occurrenceDateTime: occurrence }
      : { _occurrenceDateTime: unknownConcept() }),
    recorded: ctx.dateTime(rxa.text(22), rxa.loc(22)) ?? ctx.dateTime(orc?.text(9), orc?.loc(9) ?? 'ORC-9'),
    ...source(ctx, rxa),
    location: locationRef(ctx, rxa.rep(27) ?? rxa.rep(11)),
    manufacturer: manufacturer(ctx, rxa.rep(17)),
    lotNumber: rxa.text(15),
    expirationDate: ctx.date(rxa.text(16), rxa.loc(16)),
    site: cweInTable(ctx, rxr?.rep(2), '0163'),
    route: cweInTable(ctx, rxr?.rep(1), '0162'),
    doseQuantity: amount !== undefined ? { value: amount, ...unit } : undefined,
    performer: [
      ...performer(ctx, rxa.reps(10), 'AP', 'Administering Provider'),
      ...performer(ctx, orc?.reps(12) ?? [], 'OP', 'Ordering Provider'),
    ],
    reasonCode: rxa
      .reps(19)
      .map((r) => cwe(ctx, r))
      .filter((c) => c !== undefined),
    programEligibility: fromObx.programEligibility,
    fundingSource: fromObx.fundingSource,
    education: fromObx.education,
  } as fhir4.Immunization;
  const vaccineKey = vaccineCode.coding?.[0]
    ? `${vaccineCode.coding[0].system ?? ''}|${vaccineCode.coding[0].code}`
    : (vaccineCode.text ?? '');
  const key =
    matchOn?.system !== undefined
      ? `${matchOn.system}|${matchOn.value}`
      : `${input.patientKey}|${vaccineKey}|${occurrence ?? `message:${ctx.msg.msh.text(10) ?? ''}|${rxa.loc()}`}`;
  const ref = ctx.bundle.add(
    immunization,
    matchOn?.system !== undefined ? { identifier: matchOn, key } : { key },
  );
  return { ref, rest: fromObx.rest };
}
