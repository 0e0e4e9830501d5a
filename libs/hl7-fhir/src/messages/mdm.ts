import type { ConversionContext } from '../context';
import { buildDocumentReference, documentContent } from '../resources/document-reference';
import { buildServiceRequest } from '../resources/service-request';
import { type ConversionError, isConversionError } from '../types';
import { resultGroups } from './adt';
import { groupOrders } from './order-groups';
import { buildPatientContext } from './patient-context';

/**
 * MDM events that carry the document (T02 original, T04 status change, T06 addendum, T08 edit, T10
 * replacement). The notification-only events (T01, T03…) are not converted: writing a
 * DocumentReference without its content would replace the content a server already has.
 */
export const MDM_EVENTS = new Set(['T02', 'T04', 'T06', 'T08', 'T10']);

export function convertMdm(ctx: ConversionContext, trigger: string): ConversionError | undefined {
  const { msg } = ctx;
  const pid = msg.first('PID');
  if (pid === undefined)
    return { code: 'MISSING_SEGMENT', location: 'PID', reason: 'MDM message without a PID segment' };
  const txa = msg.first('TXA');
  if (txa === undefined)
    return { code: 'MISSING_SEGMENT', location: 'TXA', reason: 'MDM message without a TXA segment' };
  const creation = ctx.dateTime(txa.text(6), txa.loc(6));
  const groups = resultGroups(msg.segments);
  const content = documentContent(ctx, groups, creation);
  if (content.length === 0) {
    return {
      code: 'MISSING_CONTENT',
      location: 'OBX',
      reason: 'MDM message without document content (OBX-5)',
    };
  }
  const pc = buildPatientContext(
    ctx,
    { pid, pd1: msg.first('PD1'), pv1: msg.first('PV1'), pv2: msg.first('PV2'), dg1: [] },
    {
      mode: ctx.options.updatePatientFromAllMessages ? 'update' : 'create-if-missing',
      encounterStatus: undefined,
    },
  );
  if (isConversionError(pc)) return pc;
  // MDM_T02 COMMON_ORDER groups (ORC, TQ1*, OBR, NTE*) before TXA: the orders the document is
  // about. Each is a ServiceRequest created only if missing (an MDM never overwrites the order
  // the placer wrote), listed in DocumentReference.context.related.
  const related = (groupOrders(msg).patients[0]?.orders ?? [])
    .filter((order) => order.orc !== undefined || order.obr !== undefined)
    .map((order) =>
      buildServiceRequest(ctx, {
        orc: order.orc,
        obr: order.obr,
        tq1: order.tq1,
        notes: order.notes,
        diagnoses: [],
        patient: pc.patient,
        patientKey: pc.patientKey,
        encounter: pc.encounter,
        mode: 'create-if-missing',
      }),
    );
  buildDocumentReference(
    ctx,
    {
      txa,
      content: groups,
      patient: pc.patient,
      patientKey: pc.patientKey,
      encounter: pc.encounter,
      trigger,
      related,
    },
    content,
  );
  return undefined;
}
