import type { ConversionContext } from '../context';
import { cq, cwe, cx, ei, identifierType } from '../datatypes';
import type { V2Segment } from '../v2-reader';
import { numberKey } from './order-identifiers';

/**
 * SPM-17 (DR: start ^ end) → collectedDateTime, or collectedPeriod when the end differs. An end
 * before the start (or that cannot be ordered with it) would break per-1: the start is kept, the
 * end left out with a warning.
 */
function collected(
  ctx: ConversionContext,
  spm: V2Segment,
): Pick<fhir4.SpecimenCollection, 'collectedDateTime' | 'collectedPeriod'> {
  const range = spm.rep(17);
  const period = ctx.period(range?.text(1), spm.loc(17, 1), range?.text(2), spm.loc(17, 2));
  if (period?.end === undefined || period.end === period.start) return { collectedDateTime: period?.start };
  return { collectedPeriod: period };
}

/**
 * SPM → Specimen. SPM-2 is an EIP: placer-assigned id ^ filler-assigned id, each an EI in
 * sub-components (entity id & namespace & universal id & type). Both are identifiers (typed PLAC /
 * FILL, v2-0203), and the specimen is the one holding both: a sender may give every specimen of
 * an order the same filler part (`123456781^gastric`, `123456782^gastric`), and matching on one
 * part alone would merge distinct specimens. accessionIdentifier: SPM-30 (v2.7+), else the filler's
 * id (the lab's accession). SPM-4 type, SPM-8 source site, SPM-12 collection amount (CQ), SPM-17
 * collection time, SPM-18 received;
 * `request` the order it was taken for. Without ids, keyed on the report/order and SPM-1; an SPM
 * repeating the key of an earlier one of its order group (`seen`) is keyed on its position.
 */
export function buildSpecimen(
  ctx: ConversionContext,
  spm: V2Segment,
  patient: fhir4.Reference,
  reportKey: string,
  request?: fhir4.Reference,
  /** Keys of the specimens already written for this order group (see below); updated here. */
  seen?: Set<string>,
): fhir4.Reference | undefined {
  const eip = spm.rep(2);
  const placer = ei(ctx, eip?.nested(1), 'PLAC');
  const filler = ei(ctx, eip?.nested(2), 'FILL');
  const ids = [placer, filler].filter((i) => i !== undefined);
  const type = cwe(ctx, spm.rep(4));
  if (ids.length === 0 && type === undefined) {
    ctx.warn('SEGMENT_SKIPPED', spm.loc(), 'specimen has neither identifier nor type; not converted');
    return undefined;
  }
  const accessionRep = spm.rep(30);
  const accession =
    (accessionRep && cx(ctx, accessionRep, spm.loc(30), 'ACSN')) ??
    (filler && { ...filler, type: identifierType(ctx, 'ACSN') });
  const collectedAt = collected(ctx, spm);
  const specimen: fhir4.Specimen = {
    resourceType: 'Specimen',
    identifier: ids,
    accessionIdentifier: accession,
    type,
    subject: patient,
    receivedTime: ctx.dateTime(spm.text(18), spm.loc(18)),
    request: request && [request],
    collection: { ...collectedAt, quantity: cq(ctx, spm.rep(12)), bodySite: cwe(ctx, spm.rep(8)) },
  };
  let matchOn = ids.filter((i) => i.system !== undefined);
  let key =
    matchOn.length > 0 ? matchOn.map(numberKey).join('&') : `${reportKey}|SPM|${spm.text(1) ?? spm.loc()}`;
  if (seen?.has(key)) {
    // Two SPM of one order group with the same SPM-2 (or, without ids, the same SPM-1): a sender's
    // slip, but still two segments, so two specimens, told apart by position rather than merged.
    ctx.warn(
      'UNEXPECTED_REPETITION',
      spm.loc(matchOn.length > 0 ? 2 : 1),
      'specimen id already used by another SPM of this order; this specimen is matched by position',
    );
    matchOn = [];
    key = `${reportKey}|SPM|${spm.loc()}`;
  }
  seen?.add(key);
  return ctx.bundle.add(specimen, matchOn.length > 0 ? { identifier: matchOn, key } : { key });
}
