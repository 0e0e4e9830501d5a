import type { EntryMode } from '../bundle';
import type { ConversionContext } from '../context';
import { cwe, normaliseCode } from '../datatypes';
import { ORDER_CONTROL_STATUS, ORDER_STATUS, REQUEST_PRIORITY } from '../tables';
import type { V2Segment } from '../v2-reader';
import { notesOf } from './observation';
import { type OrderIdentifiers, orderIdentifiers } from './order-identifiers';
import { practitionerRef } from './practitioner';

export interface OrderInput {
  orc?: V2Segment;
  obr?: V2Segment;
  tq1?: V2Segment;
  notes: V2Segment[];
  diagnoses: V2Segment[];
  patient: fhir4.Reference;
  patientKey: string;
  encounter?: fhir4.Reference;
  supportingInfo?: fhir4.Reference[];
  /** Specimens the order is for (OML: the SPM of its order group); listed once each. */
  specimen?: fhir4.Reference[];
  /** Coverages of the patient the order is placed under (ORM: IN1 of the patient). */
  insurance?: fhir4.Reference[];
  /** Numbers already read (a report reads OBR's first); default ORC's first, as for an order. */
  identifiers?: OrderIdentifiers;
  /** 'create-if-missing' when the message only reports on the order (ORU, MDM) and must not overwrite it. */
  mode?: EntryMode;
}

/** Order control codes that say nothing about the order's status: RE (observations follow). */
const NO_STATUS_CONTROL = new Set(['RE']);

function status(orc: V2Segment | undefined): fhir4.ServiceRequest['status'] {
  const orderStatus = normaliseCode(orc?.text(5))?.toUpperCase();
  const control = normaliseCode(orc?.text(1))?.toUpperCase();
  return (
    (orderStatus !== undefined ? ORDER_STATUS[orderStatus] : undefined) ??
    (control !== undefined ? ORDER_CONTROL_STATUS[control] : undefined) ??
    'unknown'
  );
}

/**
 * ORC + OBR (+ TQ1, NTE, DG1) → ServiceRequest, matched on the placer number (else filler). Without
 * either (none sent, or every one shared with another order of the message) it is keyed on patient,
 * code, message and the group's position: the same message always writes the same orders.
 */
export function buildServiceRequest(ctx: ConversionContext, input: OrderInput): fhir4.Reference {
  const { orc, obr, tq1 } = input;
  const ids = input.identifiers ?? orderIdentifiers(ctx, orc, obr);
  const matchOn = ids.placer ?? ids.filler;
  const code = cwe(ctx, obr?.rep(4));
  // Timing: TQ1 (v2.5+), else the deprecated TQ in ORC-7 / OBR-27 (start = component 4, priority = 6).
  const start =
    tq1?.text(7) !== undefined
      ? ctx.dateTime(tq1.text(7), tq1.loc(7))
      : orc?.rep(7)?.text(4) !== undefined
        ? ctx.dateTime(orc.rep(7)?.text(4), orc.loc(7, 4))
        : obr?.rep(27)?.text(4) !== undefined
          ? ctx.dateTime(obr.rep(27)?.text(4), obr.loc(27, 4))
          : // Without timing, the requested (OBR-6) or observation (OBR-7) time says when.
            (ctx.dateTime(obr?.text(6), obr?.loc(6) ?? 'OBR-6') ??
            ctx.dateTime(obr?.text(7), obr?.loc(7) ?? 'OBR-7'));
  const priorityCode = normaliseCode(
    tq1?.text(9) ?? orc?.rep(7)?.text(6) ?? obr?.rep(27)?.text(6) ?? obr?.text(5),
  )?.toUpperCase();
  const controlCode = normaliseCode(orc?.text(1))?.toUpperCase();
  if (
    controlCode !== undefined &&
    ORDER_CONTROL_STATUS[controlCode] === undefined &&
    !NO_STATUS_CONTROL.has(controlCode) &&
    orc?.text(5) === undefined
  ) {
    ctx.warn(
      'UNMAPPED_CODE',
      orc?.loc(1) ?? 'ORC-1',
      'order control code has no request status; status unknown',
    );
  }
  const request: fhir4.ServiceRequest = {
    resourceType: 'ServiceRequest',
    identifier: [ids.placer, ids.filler].filter((i) => i !== undefined),
    requisition: ids.group,
    status: status(orc),
    intent: 'order',
    priority: priorityCode !== undefined ? REQUEST_PRIORITY[priorityCode] : undefined,
    code,
    subject: input.patient,
    encounter: input.encounter,
    occurrenceDateTime: start,
    authoredOn: ctx.dateTime(orc?.text(9), orc?.loc(9) ?? 'ORC-9'),
    requester: practitionerRef(ctx, orc?.rep(12)) ?? practitionerRef(ctx, obr?.rep(16)),
    reasonCode: [
      ...(obr?.reps(31).map((r) => cwe(ctx, r)) ?? []),
      ...input.diagnoses.map((dg1) => cwe(ctx, dg1.rep(3))),
    ].filter((c) => c !== undefined),
    insurance: input.insurance,
    specimen: input.specimen?.filter(
      (ref, i, all) => all.findIndex((r) => r.reference === ref.reference) === i,
    ),
    supportingInfo: input.supportingInfo,
    note: notesOf(input.notes),
  };
  const codeKey = code?.coding?.[0]
    ? `${code.coding[0].system ?? ''}|${code.coding[0].code}`
    : (code?.text ?? '');
  const key =
    matchOn?.system !== undefined
      ? `${matchOn.system}|${matchOn.value}`
      : `${input.patientKey}|${codeKey}|message:${ctx.msg.msh.text(10) ?? ''}|${(obr ?? orc)?.loc() ?? ''}`;
  return ctx.bundle.add(
    request,
    matchOn?.system !== undefined ? { identifier: matchOn, key, mode: input.mode } : { key },
  );
}
