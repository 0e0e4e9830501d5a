import type { ConversionContext } from '../context';
import { buildCoverage } from '../resources/coverage';
import type { ResultGroup } from '../resources/diagnostic-report';
import { buildImmunization } from '../resources/immunization';
import { buildObservation } from '../resources/observation';
import { buildRelatedPerson } from '../resources/related-person';
import { type ConversionError, isConversionError } from '../types';
import type { V2Segment } from '../v2-reader';
import { buildOrderPatientContext } from './patient-context';

/** One ORDER group of VXU_V04: [ORC] RXA [RXR] {OBX {NTE}} (ORC is optional before v2.5). */
interface VaccinationGroup {
  orc?: V2Segment;
  rxa: V2Segment;
  rxr?: V2Segment;
  results: ResultGroup[];
}

interface VxuGroups {
  /** PERSON_OBSERVATION: OBX before any order. */
  personResults: ResultGroup[];
  orders: VaccinationGroup[];
  /** An ORC not followed by its RXA. */
  lonelyOrcs: V2Segment[];
}

function groupVxu(segments: V2Segment[]): VxuGroups {
  const groups: VxuGroups = { personResults: [], orders: [], lonelyOrcs: [] };
  let pendingOrc: V2Segment | undefined;
  let order: VaccinationGroup | undefined;
  let result: ResultGroup | undefined;
  for (const seg of segments) {
    switch (seg.name) {
      case 'ORC':
        if (pendingOrc) groups.lonelyOrcs.push(pendingOrc);
        pendingOrc = seg;
        order = undefined;
        result = undefined;
        break;
      case 'RXA':
        order = { orc: pendingOrc, rxa: seg, results: [] };
        groups.orders.push(order);
        pendingOrc = undefined;
        result = undefined;
        break;
      case 'RXR':
        if (order) order.rxr ??= seg;
        result = undefined;
        break;
      case 'OBX':
        result = { obx: seg, notes: [] };
        (order ? order.results : groups.personResults).push(result);
        break;
      case 'NTE':
        result?.notes.push(seg);
        break;
      default:
        result = undefined;
    }
  }
  if (pendingOrc) groups.lonelyOrcs.push(pendingOrc);
  return groups;
}

/**
 * VXU^V04: the Patient (PID, PD1, NK1 → RelatedPerson, IN1 → Coverage, PV1 → Encounter) and per
 * ORDER group an Immunization (ORC, RXA, RXR, and the OBX the R4 mapping places in it); the other OBX
 * of an order are Observations `partOf` their Immunization, those before any order are the patient's.
 * Patient and Encounter are created if missing, as from any non-ADT message.
 */
export function convertVxu(ctx: ConversionContext): ConversionError | undefined {
  const { msg } = ctx;
  const pid = msg.first('PID');
  if (pid === undefined) {
    return { code: 'MISSING_SEGMENT', location: 'PID', reason: 'VXU message without a PID segment' };
  }
  const groups = groupVxu(msg.segments);
  if (groups.orders.length === 0 && groups.lonelyOrcs.length > 0) {
    return {
      code: 'MISSING_SEGMENT',
      location: 'RXA',
      reason: 'VXU order (ORC) without the RXA segment that says what was given',
    };
  }
  for (const orc of groups.lonelyOrcs) {
    ctx.warn('SEGMENT_SKIPPED', orc.loc(), 'ORC without RXA says nothing of a vaccination; not converted');
  }
  // The patient's segments are those before the first order (an OBX there is a person observation).
  const firstOrder = msg.segments.findIndex((s) => s.name === 'ORC' || s.name === 'RXA');
  const beforeOrders = firstOrder < 0 ? msg.segments : msg.segments.slice(0, firstOrder);
  const pc = buildOrderPatientContext(ctx, pid, beforeOrders);
  if (isConversionError(pc)) return pc;
  for (const nk1 of beforeOrders.filter((s) => s.name === 'NK1'))
    buildRelatedPerson(ctx, nk1, pc.patient, pc.patientKey);
  for (const in1 of beforeOrders.filter((s) => s.name === 'IN1'))
    buildCoverage(ctx, in1, pc.patient, pc.patientKey);

  const usedKeys = new Set<string>();
  for (const result of groups.personResults) {
    buildObservation(ctx, {
      ...result,
      patient: pc.patient,
      encounter: pc.encounter,
      groupKey: `${pc.patientKey}|VXU`,
      allowAttachment: false,
      usedKeys,
    });
  }
  for (const order of groups.orders) {
    const immunization = buildImmunization(ctx, {
      ...order,
      patient: pc.patient,
      patientKey: pc.patientKey,
      encounter: pc.encounter,
    });
    for (const result of immunization.rest) {
      buildObservation(ctx, {
        ...result,
        patient: pc.patient,
        encounter: pc.encounter,
        partOf: immunization.ref,
        groupKey: `${immunization.ref.reference ?? ''}|VXU`,
        allowAttachment: false,
        usedKeys,
      });
    }
  }
  return undefined;
}
