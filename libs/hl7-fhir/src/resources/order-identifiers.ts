import type { ConversionContext } from '../context';
import { ei } from '../datatypes';
import type { V2Segment } from '../v2-reader';

export interface OrderIdentifiers {
  placer?: fhir4.Identifier;
  filler?: fhir4.Identifier;
  group?: fhir4.Identifier;
}

/**
 * Placer (ORC-2, else OBR-2), filler (ORC-3, else OBR-3) and placer group (ORC-4) numbers, typed
 * PLAC/FILL/PGN. OBR-3 does not repeat; when a sender repeats it the first is the filler number.
 */
export function orderIdentifiers(
  ctx: ConversionContext,
  orc: V2Segment | undefined,
  obr: V2Segment | undefined,
): OrderIdentifiers {
  const placer = ei(ctx, orc?.rep(2), 'PLAC') ?? ei(ctx, obr?.rep(2), 'PLAC');
  const filler = ei(ctx, orc?.rep(3), 'FILL') ?? ei(ctx, obr?.rep(3), 'FILL');
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
