import type { ConversionContext } from '../context';

/**
 * The resource a reference of this Bundle points at, to add what its builder takes no input for yet
 * (a Patient.link in A40, an Observation.partOf in VXU). An edit after the fact bypasses the
 * builder's pruning and dedupe, so a builder input is preferred (ServiceRequest.specimen is one:
 * OrderInput.specimen); these two remain until patient.ts and observation.ts take such an input.
 * Entries are pruned when added, so whatever is set here must not be empty.
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
