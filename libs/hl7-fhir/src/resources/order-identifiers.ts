import type { ConversionContext } from '../context';
import { ei, identifierType } from '../datatypes';
import type { V2Segment } from '../v2-reader';

export interface OrderIdentifiers {
  placer?: fhir4.Identifier;
  filler?: fhir4.Identifier;
  group?: fhir4.Identifier;
}

/** What a number is matched on: `system|value` (the value alone when it has no system). */
export function numberKey(identifier: fhir4.Identifier): string {
  return `${identifier.system ?? ''}|${identifier.value ?? ''}`;
}

/** The placer and filler numbers of one order group (ORC-2/3, OBR-2/3), read without warnings. */
function numbersOf(
  ctx: ConversionContext,
  orc: V2Segment | undefined,
  obr: V2Segment | undefined,
): Set<string> {
  const keys = new Set<string>();
  for (const [seg, field] of [
    [orc, 2],
    [orc, 3],
    [obr, 2],
    [obr, 3],
  ] as const) {
    const id = ei(ctx, seg?.rep(field));
    if (id !== undefined) keys.add(numberKey(id));
  }
  return keys;
}

/**
 * Placer/filler numbers that several order groups of one message carry (`system|value`). Such a
 * number identifies none of them: senders put a requisition number in every ORC-2 of a message,
 * and a conditional update on it would make the orders replace one another (and a later message
 * naming it would match several). Each group is counted once, however many of its fields hold it.
 */
export function sharedOrderNumbers(
  ctx: ConversionContext,
  orders: readonly { orc?: V2Segment; obr?: V2Segment }[],
): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const order of orders) {
    for (const key of numbersOf(ctx, order.orc, order.obr)) {
      if (seen.has(key)) shared.add(key);
      seen.add(key);
    }
  }
  return shared;
}

/**
 * Placer and filler numbers, typed PLAC/FILL, and the placer group number (ORC-4, PGN). Which segment
 * wins follows the V2-to-FHIR IG: an order (ServiceRequest) takes ORC-2/ORC-3 and OBR-2/OBR-3 only
 * when ORC's are empty; a report (DiagnosticReport) takes OBR-2/OBR-3 first, since one ORC may
 * stand over several OBRs whose results are separate reports. OBR-3 does not repeat; when a sender
 * repeats it the first is the filler number.
 *
 * `shared` (see {@link sharedOrderNumbers}): a number other order groups of the message also carry
 * is passed over for the next field (ORC-2 → OBR-2), with an `UNEXPECTED_REPETITION` warning; when
 * every number is shared the order has none and is keyed by its position (see buildServiceRequest).
 * A shared placer number still says the orders were placed together: without ORC-4 it becomes the
 * group number.
 */
export function orderIdentifiers(
  ctx: ConversionContext,
  orc: V2Segment | undefined,
  obr: V2Segment | undefined,
  prefer: 'ORC' | 'OBR' = 'ORC',
  shared?: ReadonlySet<string>,
): OrderIdentifiers {
  const [first, second] = prefer === 'ORC' ? [orc, obr] : [obr, orc];
  let sharedPlacer: fhir4.Identifier | undefined;
  const pick = (field: 2 | 3, type: 'PLAC' | 'FILL'): fhir4.Identifier | undefined => {
    for (const seg of [first, second]) {
      const id = ei(ctx, seg?.rep(field), type);
      if (id === undefined) continue;
      if (shared?.has(numberKey(id))) {
        if (field === 2) sharedPlacer ??= id;
        ctx.warn(
          'UNEXPECTED_REPETITION',
          seg?.loc(field) ?? `${seg?.name ?? 'ORC'}-${field}`,
          'order number also used by another order group of this message; not used to match this order',
        );
        continue;
      }
      return id;
    }
    return undefined;
  };
  const placer = pick(2, 'PLAC');
  const filler = pick(3, 'FILL');
  if (obr?.repeats(3)) {
    ctx.warn(
      'UNEXPECTED_REPETITION',
      obr.loc(3),
      'OBR-3 does not repeat; the first repetition is the filler number',
    );
  }
  const group =
    ei(ctx, orc?.rep(4), 'PGN') ?? (sharedPlacer && { ...sharedPlacer, type: identifierType(ctx, 'PGN') });
  return { placer, filler, group };
}

/** A reference to the order by its business identifier (no ServiceRequest resource in the bundle). */
export function orderReference(ids: OrderIdentifiers): fhir4.Reference | undefined {
  const identifier = ids.placer ?? ids.filler;
  return identifier && { type: 'ServiceRequest', identifier };
}
