import type { ConversionContext } from '../context';
import { buildAllergy } from '../resources/allergy-intolerance';
import { buildCoverage } from '../resources/coverage';
import type { EncounterStatus } from '../resources/encounter';
import { buildObservation } from '../resources/observation';
import { buildProcedure } from '../resources/procedure';
import { buildRelatedPerson } from '../resources/related-person';
import { type ConversionError, isConversionError } from '../types';
import type { V2Segment } from '../v2-reader';
import { buildPatientContext } from './patient-context';

/**
 * Encounter status per ADT event; undefined derives it from PV1-44/45 (A08 update); null means the
 * event is about the person only (A28/A31), so no Encounter is written.
 */
export const ADT_EVENTS: Record<string, EncounterStatus | null> = {
  A01: 'in-progress',
  A02: 'in-progress',
  A03: 'finished',
  A04: 'arrived',
  A05: 'planned',
  A06: 'in-progress',
  A07: 'in-progress',
  A08: undefined,
  A11: 'cancelled',
  A12: 'in-progress',
  A13: 'in-progress',
  A14: 'planned',
  A28: null,
  A31: null,
};

/** OBX segments with the NTEs that follow each. */
export function resultGroups(segments: V2Segment[]): { obx: V2Segment; notes: V2Segment[] }[] {
  const groups: { obx: V2Segment; notes: V2Segment[] }[] = [];
  let current: { obx: V2Segment; notes: V2Segment[] } | undefined;
  for (const seg of segments) {
    if (seg.name === 'OBX') {
      current = { obx: seg, notes: [] };
      groups.push(current);
    } else if (seg.name === 'NTE' && current) {
      current.notes.push(seg);
    } else if (seg.name !== 'NTE') {
      current = undefined;
    }
  }
  return groups;
}

/** ADT A01–A08 (and A05–A14, A28, A31 with the same structure): one patient and visit. */
export function convertAdt(ctx: ConversionContext, trigger: string): ConversionError | undefined {
  const { msg } = ctx;
  const pid = msg.first('PID');
  if (pid === undefined)
    return { code: 'MISSING_SEGMENT', location: 'PID', reason: 'ADT message without a PID segment' };
  const patientCtx = buildPatientContext(
    ctx,
    { pid, pd1: msg.first('PD1'), pv1: msg.first('PV1'), pv2: msg.first('PV2'), dg1: msg.all('DG1') },
    {
      mode: 'update',
      encounterStatus: ADT_EVENTS[trigger],
      // A visit event without visit number or admit time stands for its own visit; an A08 update of
      // one does not, and would otherwise add an Encounter per update.
      encounterFallbackKey: trigger === 'A08' ? undefined : `message:${msg.msh.text(10) ?? ''}`,
    },
  );
  if (isConversionError(patientCtx)) return patientCtx;
  const { patient, patientKey, encounter, encounterKey } = patientCtx;
  for (const nk1 of msg.all('NK1')) buildRelatedPerson(ctx, nk1, patient, patientKey);
  for (const al1 of msg.all('AL1')) buildAllergy(ctx, al1, patient, patientKey);
  for (const in1 of msg.all('IN1')) buildCoverage(ctx, in1, patient, patientKey);
  for (const pr1 of msg.all('PR1'))
    buildProcedure(ctx, { pr1, patient, patientKey, encounter, encounterKey });
  const usedKeys = new Set<string>();
  for (const group of resultGroups(msg.segments)) {
    buildObservation(ctx, {
      ...group,
      patient,
      encounter,
      groupKey: `${encounterKey ?? patientKey}|ADT`,
      allowAttachment: false,
      usedKeys,
    });
  }
  return undefined;
}
