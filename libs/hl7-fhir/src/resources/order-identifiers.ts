import type { ConversionContext } from '../context';
import { ei } from '../datatypes';
import type { V2Segment } from '../v2-reader';

export interface OrderIdentifiers {
  placer?: fhir4.Identifier;
  filler?: fhir4.Identifier;
  group?: fhir4.Identifier;
}

/**
 * Placer and filler numbers, typed PLAC/FILL, and the placer group number (ORC-4, PGN). Which segment
 * wins follows the V2-to-FHIR IG: an order (ServiceRequest) takes ORC-2/ORC-3 and OBR-2/OBR-3 only
 * when ORC's are empty; a report (DiagnosticReport) takes OBR-2/OBR-3 first, since one ORC may
 * stand over several OBRs whose results are separate reports. OBR-3 does not repeat; when a sender
 * repeats it the first is the filler number.
 */
export function orderIdentifiers(
  ctx: ConversionContext,
  orc: V2Segment | undefined,
  obr: V2Segment | undefined,
  prefer: 'ORC' | 'OBR' = 'ORC',
): OrderIdentifiers {
  const [first, second] = prefer === 'ORC' ? [orc, obr] : [obr, orc];
  const placer = ei(ctx, first?.rep(2), 'PLAC') ?? ei(ctx, second?.rep(2), 'PLAC');
  const filler = ei(ctx, first?.rep(3), 'FILL') ?? ei(ctx, second?.rep(3), 'FILL');
  if (obr?.repeats(3)) {
    ctx.warn(
      'UNEXPECTED_REPETITION',
      obr.loc(3),
      'OBR-3 does not repeat; the first repetition is the filler number',
    );
  }
  return { placer, filler, group: ei(ctx, orc?.rep(4), 'PGN') };
}

/** A reference to the order by its business identifier (no ServiceRequest resource in the bundle). */
export function orderReference(ids: OrderIdentifiers): fhir4.Reference | undefined {
  const identifier = ids.placer ?? ids.filler;
  return identifier && { type: 'ServiceRequest', identifier };
}
