import type { EntryMode } from '../bundle';
import type { ConversionContext } from '../context';
import { addCondition, type ConditionPlan, planCondition } from '../resources/condition';
import { buildEncounter, type EncounterStatus, encounterIdentity } from '../resources/encounter';
import { buildPatient } from '../resources/patient';
import { type ConversionError, isConversionError } from '../types';
import type { V2Segment } from '../v2-reader';
import type { OrderGroup, PatientGroup } from './order-groups';

/** The patient (and visit) the clinical resources of a message hang off. */
export interface PatientContext {
  patient: fhir4.Reference;
  patientKey: string;
  encounter?: fhir4.Reference;
  encounterKey?: string;
}

export interface PatientSegments {
  pid: V2Segment;
  pd1?: V2Segment;
  pv1?: V2Segment;
  pv2?: V2Segment;
  /** DG1s of the visit: Conditions, listed in Encounter.diagnosis. */
  dg1: V2Segment[];
}

export interface PatientContextOptions {
  mode: EntryMode;
  /** null: no Encounter even when PV1 is there (A28/A31 person updates). */
  encounterStatus: EncounterStatus | null;
  /** Identifies the visit when PV1 has neither visit number nor admit time; without it no Encounter is written. */
  encounterFallbackKey?: string;
  appointment?: fhir4.Reference;
}

/** A PV1 that says something about a visit (not just 'PV1|1|N'). */
function describesVisit(pv1: V2Segment): boolean {
  const code = pv1.text(2)?.toUpperCase();
  return (code !== undefined && code !== 'N') || [3, 7, 19, 44, 45].some((f) => pv1.rep(f) !== undefined);
}

export function buildPatientContext(
  ctx: ConversionContext,
  segs: PatientSegments,
  options: PatientContextOptions,
): PatientContext | ConversionError {
  const patient = buildPatient(ctx, segs.pid, segs.pd1, options.mode);
  if (isConversionError(patient)) return patient;
  const result: PatientContext = { patient: patient.ref, patientKey: patient.key };

  const pv1 = segs.pv1;
  let plans: ConditionPlan[];
  const status = options.encounterStatus;
  const visit = pv1 !== undefined && status !== null && describesVisit(pv1) ? pv1 : undefined;
  const identity = visit && encounterIdentity(ctx, visit, patient.key, options.encounterFallbackKey);
  if (visit !== undefined && identity === undefined) {
    ctx.warn(
      'SEGMENT_SKIPPED',
      visit.loc(),
      'visit has no visit number (PV1-19) or admit time (PV1-44) to be told apart by; no Encounter written',
    );
  }
  if (visit !== undefined && identity !== undefined && status !== null) {
    const encounterRef = ctx.bundle.reference('Encounter', identity);
    plans = segs.dg1
      .map((dg1) =>
        planCondition(ctx, {
          dg1,
          patient: patient.ref,
          patientKey: patient.key,
          encounter: encounterRef,
          encounterKey: identity.key,
        }),
      )
      .filter((p) => p !== undefined);
    const encounter = buildEncounter(ctx, {
      pv1: visit,
      pv2: segs.pv2,
      patient: patient.ref,
      patientKey: patient.key,
      identity,
      status,
      mode: options.mode,
      diagnosis: plans.map((p) => p.diagnosis).filter((d) => d !== undefined),
      appointment: options.appointment,
    });
    result.encounter = encounter.ref;
    result.encounterKey = encounter.key;
  } else {
    plans = segs.dg1
      .map((dg1) => planCondition(ctx, { dg1, patient: patient.ref, patientKey: patient.key }))
      .filter((p) => p !== undefined);
  }
  for (const plan of plans) addCondition(ctx, plan);
  return result;
}

/**
 * The patient of a message with a single patient group (VXU, RDE, RDS): PID, and the PD1, PV1 and
 * PV2 among `segments` (those before the first order), as Patient and Encounter, created if missing
 * (or updated with `updatePatientFromAllMessages`): the message is about the orders, not the patient.
 */
export function buildOrderPatientContext(
  ctx: ConversionContext,
  pid: V2Segment,
  segments: readonly V2Segment[],
): PatientContext | ConversionError {
  const first = (name: string) => segments.find((s) => s.name === name);
  return buildPatientContext(
    ctx,
    { pid, pd1: first('PD1'), pv1: first('PV1'), pv2: first('PV2'), dg1: [] },
    {
      mode: ctx.options.updatePatientFromAllMessages ? 'update' : 'create-if-missing',
      encounterStatus: undefined,
    },
  );
}

/**
 * ORM and ORU alike: warns for orders seen before any PID (no patient, not converted), then walks the
 * patients in message order, building each one's Patient and Encounter (created if missing, or
 * updated with `updatePatientFromAllMessages`) and handing them to `each` before the next patient,
 * so entries and warnings keep the message's order.
 */
export function forEachOrderPatient(
  ctx: ConversionContext,
  grouped: { patients: PatientGroup[]; orphans: OrderGroup[] },
  orphanSegment: (order: OrderGroup) => V2Segment | undefined,
  each: (group: PatientGroup, pc: PatientContext) => void,
): ConversionError | undefined {
  for (const order of grouped.orphans) {
    const seg = orphanSegment(order);
    if (seg) ctx.warn('SEGMENT_SKIPPED', seg.loc(), 'order before any PID has no patient; not converted');
  }
  const mode = ctx.options.updatePatientFromAllMessages ? 'update' : 'create-if-missing';
  for (const group of grouped.patients) {
    const pc = buildPatientContext(
      ctx,
      { pid: group.pid, pd1: group.pd1, pv1: group.pv1, pv2: group.pv2, dg1: group.dg1 },
      { mode, encounterStatus: undefined },
    );
    if (isConversionError(pc)) return pc;
    each(group, pc);
  }
  return undefined;
}
