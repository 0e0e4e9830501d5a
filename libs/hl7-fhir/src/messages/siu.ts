import type { ConversionContext } from '../context';
import { appointmentIdentity, buildAppointment } from '../resources/appointment';
import { type ConversionError, isConversionError } from '../types';
import type { V2Segment } from '../v2-reader';
import { buildPatientContext, type PatientContext } from './patient-context';

/** SIU events and the Appointment status they imply (undefined: from SCH-25). */
export const SIU_EVENTS: Record<string, fhir4.Appointment['status'] | undefined> = {
  S12: undefined,
  S13: undefined,
  S14: undefined,
  S15: 'cancelled',
  S17: 'entered-in-error',
  S26: 'noshow',
};

const RESOURCE_SEGMENTS = new Set(['AIS', 'AIG', 'AIL', 'AIP']);

/** SIU^S12 (and S13–S15, S17, S26): SCH + patient + resources → Appointment (+ Patient, planned Encounter). */
export function convertSiu(ctx: ConversionContext, trigger: string): ConversionError | undefined {
  const { msg } = ctx;
  const sch = msg.first('SCH');
  if (sch === undefined)
    return { code: 'MISSING_SEGMENT', location: 'SCH', reason: 'SIU message without an SCH segment' };
  const pid = msg.first('PID');
  const resources = msg.segments.filter((s) => RESOURCE_SEGMENTS.has(s.name));
  // SIU_S12: SCH, TQ1*, NTE*, then PATIENT and RESOURCES groups: the schedule's TQ1s come before any PID.
  const tq1: V2Segment[] = [];
  // NTEs right after SCH are about the appointment; those after resources or the patient are not.
  const notes: V2Segment[] = [];
  for (const seg of msg.segments.slice(msg.segments.indexOf(sch) + 1)) {
    if (seg.name === 'NTE') notes.push(seg);
    else if (seg.name === 'TQ1') tq1.push(seg);
    else if (seg.name !== 'TQ2') break;
  }

  let pc: PatientContext | undefined;
  const fallbackKey = `message:${msg.msh.text(10) ?? ''}`;
  if (pid !== undefined) {
    const identity = appointmentIdentity(ctx, sch, fallbackKey);
    const appointmentRef = ctx.bundle.reference('Appointment', identity);
    const result = buildPatientContext(
      ctx,
      { pid, pd1: msg.first('PD1'), pv1: msg.first('PV1'), pv2: msg.first('PV2'), dg1: msg.all('DG1') },
      {
        mode: ctx.options.updatePatientFromAllMessages ? 'update' : 'create-if-missing',
        encounterStatus: 'planned',
        encounterFallbackKey: `appointment:${identity.key}`,
        appointment: appointmentRef,
      },
    );
    if (isConversionError(result)) return result;
    pc = result;
  }
  buildAppointment(
    ctx,
    { sch, resources, notes, tq1, patient: pc?.patient, eventStatus: SIU_EVENTS[trigger] },
    pc ? `${pc.patientKey}|${fallbackKey}` : fallbackKey,
  );
  return undefined;
}
