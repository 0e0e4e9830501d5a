import type { ConversionContext } from '../context';
import { buildDiagnosticReport } from '../resources/diagnostic-report';
import { buildObservation } from '../resources/observation';
import { type ConversionError, isConversionError } from '../types';
import { groupOrders } from './order-groups';
import { buildPatientContext } from './patient-context';

/** ORU^R01: per patient, each OBR with its OBX/NTE → DiagnosticReport + Observations. */
export function convertOru(ctx: ConversionContext): ConversionError | undefined {
  const { patients, orphans } = groupOrders(ctx.msg);
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
  for (const o of orphans) {
    const seg = o.obr ?? o.orc;
    if (seg) ctx.warn('SEGMENT_SKIPPED', seg.loc(), 'order before any PID has no patient; not converted');
  }
  const mode = ctx.options.updatePatientFromAllMessages ? 'update' : 'create-if-missing';
  const usedKeys = new Set<string>();
  for (const group of patients) {
    const pc = buildPatientContext(
      ctx,
      { pid: group.pid, pd1: group.pd1, pv1: group.pv1, pv2: group.pv2, dg1: group.dg1 },
      { mode, encounterStatus: undefined },
    );
    if (isConversionError(pc)) return pc;
    for (const order of group.orders) {
      if (order.obr === undefined) {
        if (order.orc)
          ctx.warn('SEGMENT_SKIPPED', order.orc.loc(), 'ORC without OBR carries no result; not converted');
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
    for (const result of group.results) {
      buildObservation(ctx, {
        ...result,
        patient: pc.patient,
        encounter: pc.encounter,
        groupKey: `${pc.encounterKey ?? pc.patientKey}|ORU`,
        allowAttachment: false,
        usedKeys,
      });
    }
  }
  return undefined;
}
