import type { EntryMode } from '../bundle';
import type { ConversionContext } from '../context';
import { cwe, cx, tableCoding, tableConcept } from '../datatypes';
import { V3 } from '../systems';
import { ENCOUNTER_CLASS } from '../tables';
import type { V2Segment } from '../v2-reader';
import { locationRef } from './location';
import { practitionerRef } from './practitioner';

export interface EncounterResult {
  ref: fhir4.Reference;
  key: string;
}

/** Event-driven status, or undefined to derive it from PV1-44/45. */
export type EncounterStatus = fhir4.Encounter['status'] | undefined;

export interface EncounterInput {
  pv1: V2Segment;
  pv2?: V2Segment;
  patient: fhir4.Reference;
  patientKey: string;
  identity: EncounterIdentity;
  status: EncounterStatus;
  mode: EntryMode;
  diagnosis?: fhir4.EncounterDiagnosis[];
  appointment?: fhir4.Reference;
}

const PARTICIPATION = V3('ParticipationType');
const PARTICIPANTS: [number, string, string][] = [
  [7, 'ATND', 'attender'],
  [8, 'REF', 'referrer'],
  [9, 'CON', 'consultant'],
  [17, 'ADM', 'admitter'],
];

export interface EncounterIdentity {
  identifier?: fhir4.Identifier;
  key: string;
}

/**
 * The identity an Encounter is matched on, across messages: PV1-19 visit number, else PV1-50
 * alternate visit id (both conditional updates on the identifier); else the patient and admit time
 * (PV1-44); else the patient and `fallbackKey` (an ADT visit event: its message; SIU: the
 * appointment); else the patient and this message's PV1 (control id + position). That last one is
 * the visit of this message only — a resend writes the same Encounter, another message without
 * number or admit time writes its own — since nothing else in a PV1 tells two visits apart
 * (a clinic location and a class repeat across visits). undefined never: every PV1 that describes a
 * visit gives an Encounter.
 */
export function encounterIdentity(
  ctx: ConversionContext,
  pv1: V2Segment,
  patientKey: string,
  fallbackKey: string | undefined,
): EncounterIdentity {
  for (const field of [19, 50]) {
    const visit = pv1.rep(field);
    const identifier = visit && cx(ctx, visit, pv1.loc(field), field === 19 ? 'VN' : undefined);
    if (identifier?.system !== undefined && identifier.value !== undefined) {
      return { identifier, key: `${identifier.system}|${identifier.value}` };
    }
  }
  const admit = pv1.text(44);
  if (admit !== undefined) return { key: `${patientKey}|${admit}` };
  if (fallbackKey !== undefined) return { key: `${patientKey}|${fallbackKey}` };
  return { key: `${patientKey}|message:${ctx.msg.msh.text(10) ?? ''}|${pv1.loc()}` };
}

/**
 * Encounter.status per the V2-to-FHIR IG: a discharge time (PV1-45) means the visit is finished,
 * whatever the event (A08 and non-ADT messages included), except for an event that cancels (A11)
 * or undoes a discharge (A13): the PV1-45 it carries is the one being withdrawn. Otherwise the
 * event's status; without one, a pre-admit class (PV1-2 P) is planned, an admit time (PV1-44)
 * in-progress, anything else unknown.
 */
function encounterStatus(
  ctx: ConversionContext,
  pv1: V2Segment,
  eventStatus: EncounterStatus,
  admitted: boolean,
  discharged: boolean,
): fhir4.Encounter['status'] {
  const withdrawn = ctx.trigger === 'A11' || ctx.trigger === 'A13';
  if (withdrawn && eventStatus !== undefined) return eventStatus;
  if (discharged) return 'finished';
  if (eventStatus !== undefined) return eventStatus;
  if (pv1.text(2)?.toUpperCase() === 'P') return 'planned';
  return admitted ? 'in-progress' : 'unknown';
}

/** PV1 (+ PV2) → Encounter. */
export function buildEncounter(ctx: ConversionContext, input: EncounterInput): EncounterResult {
  const { pv1, pv2, patient, mode } = input;
  const { identifier, key } = input.identity;
  if (pv1.repeats(3)) {
    ctx.warn('UNEXPECTED_REPETITION', pv1.loc(3), 'PV1-3 does not repeat; only the first location is used');
  }
  const admit = ctx.parseDate(pv1.text(44), pv1.loc(44));
  const discharge = ctx.parseDate(pv1.text(45), pv1.loc(45));
  // The status follows what PV1 says happened, even when a discharge time out of order with the
  // admission is left out of the period.
  const status = encounterStatus(ctx, pv1, input.status, admit !== undefined, discharge !== undefined);

  const location: fhir4.EncounterLocation[] = [];
  const current = locationRef(ctx, pv1.rep(3));
  const prior = locationRef(ctx, pv1.rep(6));
  const pending = locationRef(ctx, pv1.rep(42));
  if (prior && prior.reference !== current?.reference)
    location.push({ location: prior, status: 'completed' });
  if (current) {
    location.push({
      location: current,
      status: status === 'finished' ? 'completed' : status === 'planned' ? 'planned' : 'active',
    });
  }
  if (pending && pending.reference !== current?.reference)
    location.push({ location: pending, status: 'planned' });

  const participant: fhir4.EncounterParticipant[] = [];
  for (const [field, code, display] of PARTICIPANTS) {
    for (const rep of pv1.reps(field)) {
      const individual = practitionerRef(ctx, rep);
      if (individual)
        participant.push({ type: [{ coding: [{ system: PARTICIPATION, code, display }] }], individual });
    }
  }

  const classCode = pv1.text(2)?.toUpperCase();
  const mapped = classCode !== undefined ? ENCOUNTER_CLASS[classCode] : undefined;
  let encounterClass: fhir4.Coding;
  if (mapped) encounterClass = { system: V3('ActCode'), ...mapped };
  else if (classCode !== undefined) encounterClass = tableCoding(ctx, '0004', classCode)!;
  else encounterClass = { system: V3('NullFlavor'), code: 'UNK', display: 'unknown' };

  const preAdmit = pv1.rep(5);
  const encounter: fhir4.Encounter = {
    resourceType: 'Encounter',
    identifier: identifier && [identifier],
    status,
    class: encounterClass,
    type: [tableConcept(ctx, pv1.text(4), '0007')].filter((t) => t !== undefined),
    serviceType: tableConcept(ctx, pv1.text(10), '0069'),
    subject: patient,
    participant,
    appointment: input.appointment && [input.appointment],
    period: ctx.periodOf(admit, discharge, pv1.loc(45)),
    reasonCode: pv2
      ?.reps(3)
      .map((r) => cwe(ctx, r))
      .filter((c) => c !== undefined),
    diagnosis: input.diagnosis,
    hospitalization: {
      preAdmissionIdentifier: preAdmit && cx(ctx, preAdmit, pv1.loc(5)),
      admitSource: tableConcept(ctx, pv1.text(14), '0023'),
      reAdmission: tableConcept(ctx, pv1.text(13), '0092'),
      dischargeDisposition: tableConcept(ctx, pv1.text(36), '0112'),
    },
    location,
  };
  const ref = ctx.bundle.add(encounter, identifier ? { identifier, mode } : { key, mode });
  return { ref, key };
}
