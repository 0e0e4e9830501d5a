import type { FhirBundlePayload } from '@meridian/contracts';
import type { FhirResource } from '@meridian/fhir';
import { uuidV5 } from '@meridian/hl7-fhir';

/** The business identifier a pulled resource is matched and keyed by. */
export interface BusinessIdentifier {
  system: string;
  value: string;
}

/**
 * The first identifier with both a system and a value. A value alone names nothing outside the
 * system that issued it, so a resource without one cannot be matched on another server: skipped.
 */
export function businessIdentifier(resource: FhirResource): BusinessIdentifier | undefined {
  const identifiers = (resource as { identifier?: unknown }).identifier;
  if (!Array.isArray(identifiers)) return undefined;
  for (const identifier of identifiers as Array<{ system?: unknown; value?: unknown }>) {
    const { system, value } = identifier ?? {};
    if (typeof system === 'string' && system !== '' && typeof value === 'string' && value !== '') {
      return { system, value };
    }
  }
  return undefined;
}

/** FHIR token search escaping (`\`, `|`, `,`, `$`), then what a query value cannot hold percent-encoded. */
function queryToken(value: string): string {
  const escaped = value.replace(/[\\|,$]/g, (c) => `\\${c}`);
  return encodeURIComponent(escaped).replace(/%3A/gi, ':').replace(/%2F/gi, '/');
}

/**
 * The canonical form of a pulled resource: a transaction Bundle with one conditional update by its
 * business identifier, as the transformer writes what it converts, so the orchestrator routes it like
 * any inbound change. The resource is kept as the EHR holds it (id and meta included: the
 * orchestrator learns the external id and version from them).
 */
export function pulledBundle(resource: FhirResource, identifier: BusinessIdentifier): FhirBundlePayload {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: `urn:uuid:${uuidV5(`${resource.resourceType}\u001f${identifier.system}\u001f${identifier.value}`)}`,
        resource: resource as FhirBundlePayload['entry'][number]['resource'],
        request: {
          method: 'PUT',
          url: `${resource.resourceType}?identifier=${queryToken(identifier.system)}|${queryToken(identifier.value)}`,
        },
      },
    ],
  };
}

/** `fhir.r4.inbound.v1`'s key: `<integrationId>|<system>|<value>`. */
export const pulledKey = (integrationId: string, identifier: BusinessIdentifier): string =>
  `${integrationId}|${identifier.system}|${identifier.value}`;

/** `Type/id/_history/version`: one version of one resource; what a pull has seen. */
export function versionReference(resource: FhirResource): string {
  return `${resource.resourceType}/${resource.id ?? ''}/_history/${resource.meta?.versionId ?? ''}`;
}

/**
 * The `ce_id` of a pulled version: the same however often it is pulled (a retried or overlapping
 * pull), so consumers dedupe it on (`ce_source`, `ce_id`).
 */
export const pulledEventId = (integrationId: string, resource: FhirResource): string =>
  uuidV5(`pull\u001f${integrationId}\u001f${versionReference(resource)}`);
