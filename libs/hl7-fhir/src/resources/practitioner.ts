import type { ConversionContext } from '../context';
import { nameText, xcn } from '../datatypes';
import type { V2Rep } from '../v2-reader';

/**
 * XCN → Practitioner, created if missing (conditional create on its identifier) and referenced. A
 * person named without an identifier gets a display-only reference: a name alone cannot be matched.
 */
export function practitionerRef(ctx: ConversionContext, rep: V2Rep | undefined): fhir4.Reference | undefined {
  if (rep === undefined) return undefined;
  const { identifier, name } = xcn(ctx, rep);
  const display = nameText(name);
  if (identifier?.system !== undefined && identifier.value !== undefined) {
    const ref = ctx.bundle.add(
      { resourceType: 'Practitioner', identifier: [identifier], name: name && [name] },
      { identifier, mode: 'create-if-missing' },
    );
    return { ...ref, display };
  }
  return display === undefined ? undefined : { display };
}
