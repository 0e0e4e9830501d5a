import type { ConversionContext } from '../context';

/**
 * The resource a reference of this Bundle points at, to add what its builder takes no input for (a
 * Patient.link, a ServiceRequest.specimen, an Observation.partOf). Entries are pruned when added,
 * so whatever is set here must not be empty.
 */
export function bundleResource<T extends fhir4.FhirResource>(
  ctx: ConversionContext,
  ref: fhir4.Reference | undefined,
  type: T['resourceType'],
): T | undefined {
  if (ref?.reference === undefined) return undefined;
  const index = ctx.bundle.fullUrls().indexOf(ref.reference);
  const resource = index < 0 ? undefined : ctx.bundle.resources()[index];
  return resource?.resourceType === type ? (resource as T) : undefined;
}
