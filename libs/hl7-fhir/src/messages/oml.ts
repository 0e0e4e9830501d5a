import type { ConversionContext } from '../context';
import { buildObservation } from '../resources/observation';
import { orderIdentifiers } from '../resources/order-identifiers';
import { buildServiceRequest } from '../resources/service-request';
import { buildSpecimen } from '../resources/specimen';
import type { ConversionError } from '../types';
import { groupOrders, orderKeys } from './order-groups';
import { forEachOrderPatient } from './patient-context';

/**
 * OML^O21 (laboratory order): as ORM^O01, each ORC (+ OBR) → ServiceRequest (NTE, DG1 → reasonCode,
 * OBX → supportingInfo Observations), and each SPM of the order → Specimen, listed in
 * ServiceRequest.specimen (the V2-to-FHIR IG's OML_O21 map). Order groups that share a number are
 * still separate orders (see orderIdentifiers).
 */
export function convertOml(ctx: ConversionContext): ConversionError | undefined {
  const grouped = groupOrders(ctx.msg);
  const { patients } = grouped;
  if (patients.length === 0) {
    return {
      code: 'MISSING_SEGMENT',
      location: 'PID',
      reason: 'orders without a patient (PID) are not converted',
    };
  }
  if (!patients.some((p) => p.orders.some((o) => o.orc !== undefined))) {
    return { code: 'MISSING_SEGMENT', location: 'ORC', reason: 'OML message without an ORC segment' };
  }
  const usedKeys = new Set<string>();
  const { shared, keyOf } = orderKeys(ctx, grouped);
  return forEachOrderPatient(
    ctx,
    grouped,
    (o) => o.orc ?? o.obr,
    (group, pc) => {
      for (const order of group.orders) {
        if (order.obr === undefined && order.otherDetail.length > 0) {
          ctx.warn(
            'SEGMENT_SKIPPED',
            order.otherDetail[0].loc(),
            `order detail ${order.otherDetail[0].name} is not mapped; order not converted`,
          );
          continue;
        }
        const orderKey = keyOf(pc.patientKey, order);
        const seen = new Set<string>();
        const specimens = order.specimens
          .map((spm) => buildSpecimen(ctx, spm, pc.patient, orderKey, undefined, seen))
          .filter((s) => s !== undefined);
        const supportingInfo = order.results
          .map((result) =>
            buildObservation(ctx, {
              ...result,
              patient: pc.patient,
              encounter: pc.encounter,
              specimen: specimens.length === 1 ? specimens[0] : undefined,
              groupKey: orderKey,
              allowAttachment: false,
              usedKeys,
            }),
          )
          .flatMap((o) => (o.kind === 'observation' ? [o.ref] : []));
        buildServiceRequest(ctx, {
          orc: order.orc,
          obr: order.obr,
          tq1: order.tq1,
          notes: order.notes,
          diagnoses: order.dg1,
          patient: pc.patient,
          patientKey: pc.patientKey,
          encounter: pc.encounter,
          identifiers: orderIdentifiers(ctx, order.orc, order.obr, 'ORC', shared),
          specimen: specimens,
          supportingInfo,
        });
      }
    },
  );
}
