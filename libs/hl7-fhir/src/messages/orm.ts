import type { ConversionContext } from '../context';
import { buildAllergy } from '../resources/allergy-intolerance';
import { buildCoverage } from '../resources/coverage';
import { buildObservation } from '../resources/observation';
import { orderIdentifiers } from '../resources/order-identifiers';
import { buildServiceRequest } from '../resources/service-request';
import type { ConversionError } from '../types';
import { groupOrders, orderKeys } from './order-groups';
import { forEachOrderPatient } from './patient-context';

/**
 * ORM^O01: each ORC (+ OBR) → ServiceRequest; OBX under an order → Observations it cites as
 * supportingInfo. The patient's AL1 → AllergyIntolerance and IN1 → Coverage (ORM_O01 PATIENT group),
 * cited by each of the patient's orders (supportingInfo, insurance): what the filler needs to know.
 * Order groups that share a number are still separate orders (see orderIdentifiers).
 */
export function convertOrm(ctx: ConversionContext): ConversionError | undefined {
  const grouped = groupOrders(ctx.msg);
  const { patients } = grouped;
  if (patients.length === 0) {
    return {
      code: 'MISSING_SEGMENT',
      location: 'PID',
      reason: 'orders without a patient (PID) are not converted',
    };
  }
  if (!patients.some((p) => p.orders.length > 0)) {
    return { code: 'MISSING_SEGMENT', location: 'ORC', reason: 'ORM message without an ORC or OBR segment' };
  }
  const usedKeys = new Set<string>();
  const { shared, keyOf } = orderKeys(ctx, grouped);
  return forEachOrderPatient(
    ctx,
    grouped,
    (o) => o.orc ?? o.obr,
    (group, pc) => {
      const allergies = group.al1
        .map((al1) => buildAllergy(ctx, al1, pc.patient, pc.patientKey))
        .filter((r) => r !== undefined);
      const insurance = group.in1
        .map((in1) => buildCoverage(ctx, in1, pc.patient, pc.patientKey))
        .filter((r) => r !== undefined);
      for (const order of group.orders) {
        if (order.obr === undefined && order.otherDetail.length > 0) {
          ctx.warn(
            'SEGMENT_SKIPPED',
            order.otherDetail[0].loc(),
            `order detail ${order.otherDetail[0].name} is not mapped; order not converted`,
          );
          continue;
        }
        const supportingInfo = order.results
          .map((result) =>
            buildObservation(ctx, {
              ...result,
              patient: pc.patient,
              encounter: pc.encounter,
              groupKey: keyOf(pc.patientKey, order),
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
          supportingInfo: [...supportingInfo, ...allergies],
          insurance,
        });
      }
    },
  );
}
