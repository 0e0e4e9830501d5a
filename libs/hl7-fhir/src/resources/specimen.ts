import type { ConversionContext } from '../context';
import { cwe, identifier } from '../datatypes';
import type { V2Segment } from '../v2-reader';

/**
 * SPM → Specimen: SPM-2 (EIP: placer ^ filler assigned ids, each an EI in subcomponents) as
 * identifiers, matched on the filler id (else placer); SPM-4 type, SPM-8 source site, SPM-17
 * collection time (DR: start ^ end), SPM-18 received; `request` the order it was taken for. Keyed on
 * the report and SPM-1 without ids.
 */
export function buildSpecimen(
  ctx: ConversionContext,
  spm: V2Segment,
  patient: fhir4.Reference,
  reportKey: string,
  request?: fhir4.Reference,
): fhir4.Reference | undefined {
  const eip = spm.rep(2);
  const ids = [2, 1]
    .map((c) => {
      const ei = eip?.nested(c);
      const namespace = ei?.text(2);
      const universalId = ei?.text(3);
      return identifier(ctx, {
        value: ei?.text(1),
        authority:
          namespace !== undefined || universalId !== undefined
            ? { namespace, universalId, universalIdType: ei?.text(4) }
            : undefined,
        typeCode: c === 2 ? 'FILL' : 'PLAC',
        fallbackSystem: ctx.senderSystem,
      });
    })
    .filter((i) => i !== undefined);
  const type = cwe(ctx, spm.rep(4));
  if (ids.length === 0 && type === undefined) {
    ctx.warn('SEGMENT_SKIPPED', spm.loc(), 'specimen has neither identifier nor type; not converted');
    return undefined;
  }
  const collected = spm.rep(17);
  const start = ctx.dateTime(collected?.text(1), spm.loc(17, 1));
  const end = ctx.dateTime(collected?.text(2), spm.loc(17, 2));
  const specimen: fhir4.Specimen = {
    resourceType: 'Specimen',
    identifier: ids,
    type,
    subject: patient,
    receivedTime: ctx.dateTime(spm.text(18), spm.loc(18)),
    request: request && [request],
    collection: {
      ...(end !== undefined && end !== start
        ? { collectedPeriod: { start, end } }
        : { collectedDateTime: start }),
      bodySite: cwe(ctx, spm.rep(8)),
    },
  };
  const matchOn = ids.find((i) => i.system !== undefined);
  const key = matchOn ? `${matchOn.system}|${matchOn.value}` : `${reportKey}|SPM|${spm.text(1) ?? spm.loc()}`;
  return ctx.bundle.add(specimen, matchOn ? { identifier: matchOn, key } : { key });
}
