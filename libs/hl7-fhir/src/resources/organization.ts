import type { ConversionContext } from '../context';
import { hdOf, identifier } from '../datatypes';
import type { V2Rep } from '../v2-reader';

/**
 * XON → Organization, created if missing (conditional create on its identifier: XON.10, else the
 * deprecated XON.3, with XON.6 as authority). Named without an identifier: a display-only reference.
 */
export function organizationRef(ctx: ConversionContext, rep: V2Rep | undefined): fhir4.Reference | undefined {
  if (rep === undefined) return undefined;
  const name = rep.text(1);
  const id = identifier(ctx, {
    value: rep.text(10) ?? rep.text(3),
    authority: hdOf(rep.nested(6)),
    typeCode: rep.text(7),
    fallbackSystem: ctx.senderSystem,
  });
  if (id?.system !== undefined && id.value !== undefined) {
    const ref = ctx.bundle.add(
      { resourceType: 'Organization', identifier: [id], active: true, name },
      { identifier: id, mode: 'create-if-missing' },
    );
    return { ...ref, display: name };
  }
  return name === undefined ? undefined : { display: name };
}
