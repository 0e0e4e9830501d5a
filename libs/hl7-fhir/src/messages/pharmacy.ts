import type { ConversionContext } from '../context';
import type { ResultGroup } from '../resources/diagnostic-report';
import { buildMedicationDispense } from '../resources/medication-dispense';
import { buildMedicationRequest, prescriptionIdentifiers } from '../resources/medication-request';
import { buildObservation } from '../resources/observation';
import { type ConversionError, isConversionError } from '../types';
import type { V2Segment } from '../v2-reader';
import { buildOrderPatientContext } from './patient-context';

type Detail = 'RXO' | 'RXE' | 'RXD';

/** One ORDER group of RDE_O11 / RDS_O13: ORC, [RXO…], RXE (RDS: [RXE…]), TQ1, RXR, [RXD], NTE, OBX. */
interface PharmacyOrder {
  orc: V2Segment;
  rxe?: V2Segment;
  rxd: V2Segment[];
  tq1?: V2Segment;
  /** RXR and NTE belong to the detail segment they follow. */
  rxr: Partial<Record<Detail, V2Segment>>;
  notes: Record<Detail | 'ORC', V2Segment[]>;
  results: ResultGroup[];
}

function groupPharmacy(segments: V2Segment[]): PharmacyOrder[] {
  const orders: PharmacyOrder[] = [];
  let order: PharmacyOrder | undefined;
  let owner: Detail | 'ORC' = 'ORC';
  let result: ResultGroup | undefined;
  for (const seg of segments) {
    if (seg.name === 'ORC') {
      order = { orc: seg, rxd: [], rxr: {}, notes: { ORC: [], RXO: [], RXE: [], RXD: [] }, results: [] };
      orders.push(order);
      owner = 'ORC';
      result = undefined;
      continue;
    }
    if (order === undefined) continue;
    switch (seg.name) {
      case 'RXO':
      case 'RXE':
      case 'RXD':
        owner = seg.name;
        if (seg.name === 'RXE') order.rxe ??= seg;
        if (seg.name === 'RXD') order.rxd.push(seg);
        result = undefined;
        break;
      case 'TQ1':
        order.tq1 ??= seg;
        break;
      case 'RXR':
        if (owner !== 'ORC') order.rxr[owner] ??= seg;
        result = undefined;
        break;
      case 'OBX':
        result = { obx: seg, notes: [] };
        order.results.push(result);
        break;
      case 'NTE':
        (result ? result.notes : order.notes[owner]).push(seg);
        break;
      default:
        result = undefined;
    }
  }
  return orders;
}

/**
 * RDE^O11 (pharmacy encoded order) → per ORDER group a MedicationRequest (ORC + RXE, with its
 * Medication; OBX → supportingInformation Observations). RDS^O13 (dispense) → per RXD a
 * MedicationDispense; when the group has an RXE, the MedicationRequest is created if missing (the
 * order message owns it) and authorizes the dispense, otherwise the order is referenced by its
 * number (ORC-2/ORC-3, else RXD-7).
 */
export function convertPharmacy(ctx: ConversionContext, kind: 'RDE' | 'RDS'): ConversionError | undefined {
  const { msg } = ctx;
  const pid = msg.first('PID');
  if (pid === undefined) {
    return {
      code: 'MISSING_SEGMENT',
      location: 'PID',
      reason: `${kind} message without a PID segment: the order has no patient`,
    };
  }
  const orders = groupPharmacy(msg.segments);
  if (orders.length === 0) {
    return { code: 'MISSING_SEGMENT', location: 'ORC', reason: `${kind} message without an ORC segment` };
  }
  for (const order of orders) {
    if (kind === 'RDE' && order.rxe === undefined) {
      return {
        code: 'MISSING_SEGMENT',
        location: 'RXE',
        reason: `pharmacy order ${order.orc.loc()} has no RXE segment`,
      };
    }
    if (kind === 'RDS' && order.rxd.length === 0) {
      return {
        code: 'MISSING_SEGMENT',
        location: 'RXD',
        reason: `dispense order ${order.orc.loc()} has no RXD segment`,
      };
    }
  }
  const firstOrc = msg.segments.indexOf(orders[0].orc);
  const pc = buildOrderPatientContext(ctx, pid, msg.segments.slice(0, firstOrc));
  if (isConversionError(pc)) return pc;

  const usedKeys = new Set<string>();
  for (const order of orders) {
    const groupKey = `${pc.patientKey}|order:${order.orc.text(2) ?? order.orc.text(3) ?? order.orc.loc()}`;
    const supportingInformation = order.results
      .map((result) =>
        buildObservation(ctx, {
          ...result,
          patient: pc.patient,
          encounter: pc.encounter,
          groupKey,
          allowAttachment: false,
          usedKeys,
        }),
      )
      .flatMap((o) => (o.kind === 'observation' ? [o.ref] : []));
    const request =
      order.rxe &&
      buildMedicationRequest(ctx, {
        orc: order.orc,
        rxe: order.rxe,
        tq1: order.tq1,
        rxr: order.rxr.RXE,
        notes: order.notes.RXE,
        patient: pc.patient,
        patientKey: pc.patientKey,
        encounter: pc.encounter,
        supportingInformation: kind === 'RDE' ? supportingInformation : undefined,
        mode: kind === 'RDE' ? 'update' : 'create-if-missing',
      });
    if (kind === 'RDE') continue;
    for (const rxd of order.rxd) {
      const ids = prescriptionIdentifiers(ctx, order.orc, rxd.text(7) ?? order.rxe?.text(15));
      const byNumber = [ids.placer, ids.filler, ids.prescription].find((i) => i?.system !== undefined);
      const authorizingPrescription: fhir4.Reference | undefined = request
        ? { ...request.ref, identifier: request.identifier }
        : byNumber && { type: 'MedicationRequest', identifier: byNumber };
      buildMedicationDispense(ctx, {
        rxd,
        rxr: order.rxr.RXD,
        notes: order.notes.RXD,
        patient: pc.patient,
        encounter: pc.encounter,
        authorizingPrescription,
        orderKey: request?.key ?? (byNumber ? `${byNumber.system}|${byNumber.value}` : groupKey),
        supportingInformation,
      });
    }
  }
  return undefined;
}
