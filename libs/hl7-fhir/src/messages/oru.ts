import type { ConversionContext } from '../context';
import { buildDiagnosticReport, type ResultGroup } from '../resources/diagnostic-report';
import { buildObservation } from '../resources/observation';
import type { ConversionError } from '../types';
import { groupOrders } from './order-groups';
import { forEachOrderPatient, type PatientContext } from './patient-context';

/** ORU^R01: per patient, each OBR with its OBX/NTE → DiagnosticReport + Observations. */
export function convertOru(ctx: ConversionContext): ConversionError | undefined {
  const grouped = groupOrders(ctx.msg);
  const { patients } = grouped;
  if (patients.length === 0) {
    return {
      code: 'MISSING_SEGMENT',
      location: 'PID',
      reason: 'results without a patient (PID) are not converted',
    };
  }
  if (!patients.some((p) => p.orders.some((o) => o.obr !== undefined))) {
    return { code: 'MISSING_SEGMENT', location: 'OBR', reason: 'ORU message without an OBR segment' };
  }
  const usedKeys = new Set<string>();
  const standalone = (result: ResultGroup, pc: PatientContext) =>
    buildObservation(ctx, {
      ...result,
      patient: pc.patient,
      encounter: pc.encounter,
      groupKey: `${pc.encounterKey ?? pc.patientKey}|ORU`,
      allowAttachment: false,
      usedKeys,
    });
  return forEachOrderPatient(
    ctx,
    grouped,
    (o) => o.obr ?? o.orc,
    (group, pc) => {
      for (const order of group.orders) {
        if (order.obr === undefined) {
          if (order.orc && order.results.length === 0)
            ctx.warn('SEGMENT_SKIPPED', order.orc.loc(), 'ORC without OBR carries no result; not converted');
          // OBX under an ORC without OBR have no report to be listed in: kept as the patient's
          // Observations (as OBX outside any order are), never dropped.
          for (const result of order.results) standalone(result, pc);
          continue;
        }
        buildDiagnosticReport(ctx, {
          orc: order.orc,
          obr: order.obr,
          notes: order.notes,
          results: order.results,
          specimens: order.specimens,
          patient: pc.patient,
          patientKey: pc.patientKey,
          encounter: pc.encounter,
          usedKeys,
        });
      }
      for (const result of group.results) standalone(result, pc);
    },
  );
}
