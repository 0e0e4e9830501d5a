import type { ConversionContext } from '../context';
import { ei } from '../datatypes';
import type { ResultGroup } from '../resources/diagnostic-report';
import { numberKey, sharedOrderNumbers } from '../resources/order-identifiers';
import type { V2Message, V2Segment } from '../v2-reader';

/** One ORDER / ORDER_OBSERVATION group: ORC and/or OBR with what follows them. */
export interface OrderGroup {
  orc?: V2Segment;
  obr?: V2Segment;
  tq1?: V2Segment;
  /** NTEs on the order itself (after ORC/OBR, before any OBX). */
  notes: V2Segment[];
  dg1: V2Segment[];
  results: ResultGroup[];
  /** Order detail segments other than OBR (RXO, ODS…): an order this library does not map. */
  otherDetail: V2Segment[];
  /** SPM segments of the order (v2.5+ SPECIMEN groups); their OBX are in `results` with `spm` set. */
  specimens: V2Segment[];
}

export interface PatientGroup {
  pid: V2Segment;
  pd1?: V2Segment;
  pv1?: V2Segment;
  pv2?: V2Segment;
  dg1: V2Segment[];
  /** Allergies and insurance of the patient (ORM_O01 PATIENT group: AL1*, INSURANCE (IN1…)*). */
  al1: V2Segment[];
  in1: V2Segment[];
  /** OBX outside any order. */
  results: ResultGroup[];
  orders: OrderGroup[];
}

const ORDER_DETAIL = new Set(['RXO', 'RXE', 'RXD', 'RXG', 'RXA', 'ODS', 'ODT', 'RQD', 'RQ1', 'BPO', 'BLG']);

/**
 * Groups the segments of an ORU/ORM by patient and order, leniently: an OBR right after an ORC
 * joins it, any other ORC or OBR starts a new order, OBX/NTE attach to what precedes them. An OBX
 * after an SPM belongs to that specimen (ORU_R01 SPECIMEN group: SPM, OBX*) and still to the order.
 * Orders seen before any PID are returned apart.
 */
export function groupOrders(msg: V2Message): { patients: PatientGroup[]; orphans: OrderGroup[] } {
  const patients: PatientGroup[] = [];
  const orphans: OrderGroup[] = [];
  let patient: PatientGroup | undefined;
  let order: OrderGroup | undefined;
  let result: ResultGroup | undefined;
  let spm: V2Segment | undefined;
  const newOrder = (): OrderGroup => {
    const o: OrderGroup = { notes: [], dg1: [], results: [], otherDetail: [], specimens: [] };
    (patient ? patient.orders : orphans).push(o);
    return o;
  };
  for (const seg of msg.segments) {
    switch (seg.name) {
      case 'PID':
        patient = { pid: seg, dg1: [], al1: [], in1: [], results: [], orders: [] };
        patients.push(patient);
        order = undefined;
        result = undefined;
        spm = undefined;
        break;
      case 'PD1':
      case 'PV1':
      case 'PV2':
        if (patient && order === undefined) {
          const key = seg.name.toLowerCase() as 'pd1' | 'pv1' | 'pv2';
          patient[key] ??= seg;
        }
        result = undefined;
        break;
      case 'ORC':
        order = newOrder();
        order.orc = seg;
        result = undefined;
        spm = undefined;
        break;
      case 'OBR':
        if (!(
          order &&
          order.orc &&
          !order.obr &&
          order.results.length === 0 &&
          order.otherDetail.length === 0
        )) {
          order = newOrder();
        }
        order.obr = seg;
        result = undefined;
        spm = undefined;
        break;
      case 'SPM':
        if (order) order.specimens.push(seg);
        spm = order ? seg : undefined;
        result = undefined;
        break;
      case 'AL1':
      case 'IN1':
        if (patient && order === undefined) patient[seg.name === 'AL1' ? 'al1' : 'in1'].push(seg);
        result = undefined;
        break;
      case 'TQ1':
        if (order && !order.tq1) order.tq1 = seg;
        break;
      case 'OBX':
        result = spm ? { obx: seg, notes: [], spm } : { obx: seg, notes: [] };
        if (order) order.results.push(result);
        else if (patient) patient.results.push(result);
        break;
      case 'NTE':
        if (result) result.notes.push(seg);
        else if (order) order.notes.push(seg);
        break;
      case 'DG1':
        if (order) order.dg1.push(seg);
        else if (patient) patient.dg1.push(seg);
        result = undefined;
        break;
      default:
        if (ORDER_DETAIL.has(seg.name) && order && !order.obr) order.otherDetail.push(seg);
        result = undefined;
    }
  }
  return { patients, orphans };
}

/**
 * The numbers several order groups of the message share (across its patients), and the key each
 * order's Observations and id-less Specimens derive from: its ORC/OBR placer number, or its position
 * when that number is shared, so two orders of one message never derive the same ids.
 */
export function orderKeys(
  ctx: ConversionContext,
  grouped: { patients: PatientGroup[] },
): { shared: Set<string>; keyOf: (patientKey: string, order: OrderGroup) => string } {
  const shared = sharedOrderNumbers(
    ctx,
    grouped.patients.flatMap((p) => p.orders),
  );
  const keyOf = (patientKey: string, order: OrderGroup): string => {
    const anchor = order.obr ?? order.orc;
    const placer = ei(ctx, anchor?.rep(2));
    const own = placer !== undefined && !shared.has(numberKey(placer)) ? anchor?.text(2) : undefined;
    return `${patientKey}|order:${own ?? anchor?.loc() ?? ''}`;
  };
  return { shared, keyOf };
}
