import { knownCodeSystemHas } from '@meridian/fhir';
import type { EntryMode } from '../bundle';
import type { ConversionContext } from '../context';
import { cwe, cweInTable, normaliseCode } from '../datatypes';
import { UCUM, V2_TABLE, V3 } from '../systems';
import type { V2Rep, V2Segment } from '../v2-reader';
import { medicationOf } from './medication';
import { notesOf } from './observation';
import { decimal, unitOf } from './observation-value';
import { type OrderIdentifiers, orderIdentifiers } from './order-identifiers';
import { practitionerRef } from './practitioner';

/** ORC-5 order status (HL7 table 0038) → MedicationRequest.status (whose codes differ from ServiceRequest's). */
const ORDER_STATUS: Record<string, fhir4.MedicationRequest['status']> = {
  A: 'active',
  CA: 'cancelled',
  CM: 'completed',
  DC: 'stopped',
  ER: 'entered-in-error',
  HD: 'on-hold',
  IP: 'active',
  RP: 'stopped',
  SC: 'active',
};

/** ORC-1 order control (HL7 table 0119) → status, when ORC-5 is empty. */
const ORDER_CONTROL_STATUS: Record<string, fhir4.MedicationRequest['status']> = {
  NW: 'active',
  OK: 'active',
  SN: 'active',
  NA: 'active',
  XO: 'active',
  XX: 'active',
  RL: 'active',
  RO: 'active',
  SC: 'active',
  CN: 'active',
  HD: 'on-hold',
  OH: 'on-hold',
  CA: 'cancelled',
  CR: 'cancelled',
  OC: 'cancelled',
  DC: 'stopped',
  DR: 'stopped',
  OD: 'stopped',
  RP: 'stopped',
};

/** HL7 table 0335 repeat patterns with a fixed frequency: times per period. */
const FIXED_REPEAT: Record<string, fhir4.TimingRepeat> = {
  QD: { frequency: 1, period: 1, periodUnit: 'd' },
  QAM: { frequency: 1, period: 1, periodUnit: 'd' },
  QPM: { frequency: 1, period: 1, periodUnit: 'd' },
  QHS: { frequency: 1, period: 1, periodUnit: 'd' },
  BID: { frequency: 2, period: 1, periodUnit: 'd' },
  TID: { frequency: 3, period: 1, periodUnit: 'd' },
  QID: { frequency: 4, period: 1, periodUnit: 'd' },
  QOD: { frequency: 1, period: 2, periodUnit: 'd' },
};

/** Q<n>S/M/H/D/W/L of table 0335 → the UCUM unit of its period. */
const INTERVAL_UNIT: Record<string, fhir4.TimingRepeat['periodUnit']> = {
  S: 's',
  M: 'min',
  H: 'h',
  D: 'd',
  W: 'wk',
  L: 'mo',
};

const GTS_ABBREVIATION = V3('GTSAbbreviation');

/** A repeat pattern code → Timing.code (v3 GTSAbbreviation, else table 0335, else text) and repeat. */
function timingOf(pattern: string | undefined, bounds: fhir4.Period | undefined): fhir4.Timing | undefined {
  const code = normaliseCode(pattern)?.toUpperCase();
  let repeat: fhir4.TimingRepeat | undefined = code !== undefined ? FIXED_REPEAT[code] : undefined;
  const interval = code !== undefined ? /^Q(\d+)([SMHDWL])$/.exec(code) : null;
  if (interval)
    repeat = { frequency: 1, period: Number(interval[1]), periodUnit: INTERVAL_UNIT[interval[2]] };
  if (bounds !== undefined) repeat = { ...repeat, boundsPeriod: bounds };
  let concept: fhir4.CodeableConcept | undefined;
  if (code !== undefined) {
    const system = knownCodeSystemHas(GTS_ABBREVIATION, code)
      ? GTS_ABBREVIATION
      : knownCodeSystemHas(V2_TABLE('0335'), code)
        ? V2_TABLE('0335')
        : undefined;
    concept = system !== undefined ? { coding: [{ system, code }] } : { text: pattern };
  }
  if (repeat === undefined && concept === undefined) return undefined;
  return { repeat, code: concept };
}

export interface MedicationRequestInput {
  orc?: V2Segment;
  rxe: V2Segment;
  /** TQ1 of the order (v2.5+); RXE-1 (TQ) serves senders before that. */
  tq1?: V2Segment;
  /** RXR of the RXE: route, site, method. */
  rxr?: V2Segment;
  notes: V2Segment[];
  patient: fhir4.Reference;
  patientKey: string;
  encounter?: fhir4.Reference;
  supportingInformation?: fhir4.Reference[];
  /** 'create-if-missing' when the message reports on an order another message placed (RDS). */
  mode: EntryMode;
}

export interface MedicationRequestResult {
  ref: fhir4.Reference;
  /** The identifier the request is matched on, when it has one. */
  identifier?: fhir4.Identifier;
  /** Key of the request: dispenses hang off it. */
  key: string;
}

/** Identifiers of a medication order: placer/filler/group (ORC) and the prescription number (RXE-15/RXD-7). */
export function prescriptionIdentifiers(
  ctx: ConversionContext,
  orc: V2Segment | undefined,
  prescriptionNumber: string | undefined,
): OrderIdentifiers & { prescription?: fhir4.Identifier } {
  const ids = orderIdentifiers(ctx, orc, undefined);
  const prescription =
    prescriptionNumber !== undefined
      ? { system: ctx.localSystem('prescription'), value: prescriptionNumber }
      : undefined;
  return { ...ids, prescription };
}

function quantity(
  ctx: ConversionContext,
  value: string | undefined,
  unitRep: V2Rep | undefined,
  location: string,
) {
  if (value === undefined) return undefined;
  const n = decimal(value);
  if (n === undefined) {
    ctx.warn('INVALID_NUMBER', location, 'not a number; quantity omitted');
    return undefined;
  }
  return { value: n, ...unitOf(ctx, unitRep) };
}

function status(ctx: ConversionContext, orc: V2Segment | undefined): fhir4.MedicationRequest['status'] {
  const orderStatus = normaliseCode(orc?.text(5))?.toUpperCase();
  const control = normaliseCode(orc?.text(1))?.toUpperCase();
  const mapped =
    (orderStatus !== undefined ? ORDER_STATUS[orderStatus] : undefined) ??
    (control !== undefined ? ORDER_CONTROL_STATUS[control] : undefined);
  if (mapped === undefined && (orderStatus !== undefined || control !== undefined)) {
    ctx.warn(
      'UNMAPPED_CODE',
      orc?.loc(5) ?? 'ORC-5',
      'order status/control code has no medication request status; status unknown',
    );
  }
  return mapped ?? 'unknown';
}

/**
 * ORC + RXE (+ TQ1, RXR, NTE) → MedicationRequest with a Medication: matched on the placer order
 * number (ORC-2), else the filler (ORC-3), else the prescription number (RXE-15).
 */
export function buildMedicationRequest(
  ctx: ConversionContext,
  input: MedicationRequestInput,
): MedicationRequestResult {
  const { orc, rxe, tq1, rxr } = input;
  const ids = prescriptionIdentifiers(ctx, orc, rxe.text(15));
  const matchOn = [ids.placer, ids.filler, ids.prescription].find((i) => i?.system !== undefined);
  // Timing: TQ1 (v2.5+), else the deprecated TQ in RXE-1, else in ORC-7 (start = component 4, end 5, priority 6).
  const tqSeg = rxe.rep(1) !== undefined ? rxe : orc?.rep(7) !== undefined ? orc : undefined;
  const tqField = tqSeg === rxe ? 1 : 7;
  const tq = tqSeg?.rep(tqField);
  const bounds =
    tq1?.text(7) !== undefined || tq1?.text(8) !== undefined
      ? ctx.period(tq1.text(7), tq1.loc(7), tq1.text(8), tq1.loc(8))
      : ctx.period(
          tq?.text(4),
          tqSeg?.loc(tqField, 4) ?? 'RXE-1.4',
          tq?.text(5),
          tqSeg?.loc(tqField, 5) ?? 'RXE-1.5',
        );
  const pattern = tq1?.rep(3)?.text(1) ?? tq?.sub(2, 1);
  const priority = normaliseCode(tq1?.text(9) ?? tq?.text(6))?.toUpperCase();
  const minimum = quantity(ctx, rxe.text(3), rxe.rep(5), rxe.loc(3));
  const maximum = quantity(ctx, rxe.text(4), rxe.rep(5), rxe.loc(4));
  const rate = quantity(ctx, rxe.text(23), rxe.rep(24), rxe.loc(23));
  // RXE-3 alone (or equal to RXE-4) is a dose; RXE-3 to RXE-4 a range, which FHIR wants in order.
  let dose: Pick<fhir4.DosageDoseAndRate, 'doseQuantity' | 'doseRange'> | undefined;
  if (maximum === undefined || maximum.value === minimum?.value) {
    dose = minimum && { doseQuantity: minimum };
  } else if (minimum !== undefined && maximum.value < minimum.value) {
    ctx.warn(
      'INVALID_VALUE',
      rxe.loc(4),
      'give amount maximum is below the minimum; the minimum is the dose',
    );
    dose = { doseQuantity: minimum };
  } else {
    dose = { doseRange: { low: minimum, high: maximum } };
  }
  const daily = rxe.rep(19);
  const dailyMax = quantity(ctx, daily?.text(1), daily?.nested(2), rxe.loc(19));
  const instructions = rxe
    .reps(21)
    .map((r) => r.text(9) ?? r.text(2) ?? r.text(1))
    .filter((t) => t !== undefined);
  const dosage: fhir4.Dosage = {
    text: instructions.length > 0 ? instructions.join('\n') : undefined,
    additionalInstruction: rxe
      .reps(7)
      .map((r) => cwe(ctx, r))
      .filter((c) => c !== undefined),
    timing: timingOf(pattern, bounds),
    asNeededBoolean: priority === 'PRN' || normaliseCode(pattern)?.toUpperCase() === 'PRN' ? true : undefined,
    route: cweInTable(ctx, rxr?.rep(1), '0162'),
    site: cweInTable(ctx, rxr?.rep(2), '0163'),
    method: cweInTable(ctx, rxr?.rep(4), '0165'),
    doseAndRate: dose !== undefined || rate !== undefined ? [{ ...dose, rateQuantity: rate }] : undefined,
    maxDosePerPeriod:
      dailyMax !== undefined
        ? { numerator: dailyMax, denominator: { value: 1, unit: 'd', system: UCUM, code: 'd' } }
        : undefined,
  };
  const refills = rxe.text(12);
  const substitution = normaliseCode(rxe.text(9))?.toUpperCase();
  const substitutionKnown = substitution !== undefined && knownCodeSystemHas(V2_TABLE('0167'), substitution);
  if (substitution !== undefined && !substitutionKnown) {
    ctx.warn('UNMAPPED_CODE', rxe.loc(9), 'substitution status is not an HL7 table 0167 code; omitted');
  }
  const medication = medicationOf(ctx, { code: rxe.rep(2), form: rxe.rep(6), location: rxe.loc(2) });
  const request: fhir4.MedicationRequest = {
    resourceType: 'MedicationRequest',
    identifier: [ids.placer, ids.filler, ids.prescription].filter((i) => i !== undefined),
    groupIdentifier: ids.group,
    status: status(ctx, orc),
    // A child order (ORC-1 CH) is one occurrence of a parent order.
    intent: normaliseCode(orc?.text(1))?.toUpperCase() === 'CH' ? 'instance-order' : 'order',
    ...medication,
    subject: input.patient,
    encounter: input.encounter,
    supportingInformation: input.supportingInformation,
    authoredOn: ctx.dateTime(rxe.text(32), rxe.loc(32)) ?? ctx.dateTime(orc?.text(9), orc?.loc(9) ?? 'ORC-9'),
    requester: practitionerRef(ctx, orc?.rep(12)) ?? practitionerRef(ctx, rxe.rep(13)),
    reasonCode: rxe
      .reps(27)
      .map((r) => cwe(ctx, r))
      .filter((c) => c !== undefined),
    note: notesOf(input.notes),
    dosageInstruction: [dosage],
    dispenseRequest: {
      quantity: quantity(ctx, rxe.text(10), rxe.rep(11), rxe.loc(10)),
      numberOfRepeatsAllowed: refills !== undefined && /^\d+$/.test(refills) ? Number(refills) : undefined,
    },
    substitution: substitutionKnown
      ? { allowedCodeableConcept: { coding: [{ system: V2_TABLE('0167'), code: substitution }] } }
      : undefined,
  };
  const medKey = medication.medicationReference?.reference ?? '';
  const key =
    matchOn !== undefined
      ? `${matchOn.system}|${matchOn.value}`
      : `${input.patientKey}|${medKey}|message:${ctx.msg.msh.text(10) ?? ''}|${rxe.loc()}`;
  const ref = ctx.bundle.add(
    request,
    matchOn !== undefined ? { identifier: matchOn, key, mode: input.mode } : { key, mode: input.mode },
  );
  return { ref, identifier: matchOn, key };
}
