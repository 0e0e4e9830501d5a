import type { ConversionContext } from '../context';
import { buildAllergy } from '../resources/allergy-intolerance';
import { buildCoverage } from '../resources/coverage';
import { buildObservation } from '../resources/observation';
import { orderIdentifiers } from '../resources/order-identifiers';
import { buildServiceRequest } from '../resources/service-request';
import { buildSpecimen } from '../resources/specimen';
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
  return convertOrders(ctx, 'ORM');
}

/**
 * ORM^O01 and OML^O21 (see oml.ts): the same order groups, one ServiceRequest each. They differ in
 * what an order needs (ORM: an ORC or an OBR; OML: an ORC), in what else they carry (ORM: the
 * patient's AL1/IN1; OML: SPM → Specimens of the order, listed in ServiceRequest.specimen).
 */
export function convertOrders(ctx: ConversionContext, kind: 'ORM' | 'OML'): ConversionError | undefined {
  const grouped = groupOrders(ctx.msg);
  const { patients } = grouped;
  if (patients.length === 0) {
    return {
      code: 'MISSING_SEGMENT',
      location: 'PID',
      reason: 'orders without a patient (PID) are not converted',
    };
  }
  if (kind === 'ORM' && !patients.some((p) => p.orders.length > 0)) {
    return { code: 'MISSING_SEGMENT', location: 'ORC', reason: 'ORM message without an ORC or OBR segment' };
  }
  if (kind === 'OML' && !patients.some((p) => p.orders.some((o) => o.orc !== undefined))) {
    return { code: 'MISSING_SEGMENT', location: 'ORC', reason: 'OML message without an ORC segment' };
  }
  const usedKeys = new Set<string>();
  const { shared, keyOf } = orderKeys(ctx, grouped);
  return forEachOrderPatient(
    ctx,
    grouped,
    (o) => o.orc ?? o.obr,
    (group, pc) => {
      const allergies =
        kind === 'ORM'
          ? group.al1
              .map((al1) => buildAllergy(ctx, al1, pc.patient, pc.patientKey))
              .filter((r) => r !== undefined)
          : [];
      const insurance =
        kind === 'ORM'
          ? group.in1
              .map((in1) => buildCoverage(ctx, in1, pc.patient, pc.patientKey))
              .filter((r) => r !== undefined)
          : [];
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
        // Specimen keys this order has used: the same SPM-2 twice in one order stays two Specimens.
        const seen = new Set<string>();
        const specimens =
          kind === 'OML'
            ? order.specimens
                .map((spm) => buildSpecimen(ctx, spm, pc.patient, orderKey, undefined, seen))
                .filter((s) => s !== undefined)
            : [];
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
          supportingInfo: [...supportingInfo, ...allergies],
          insurance,
        });
      }
    },
  );
}
