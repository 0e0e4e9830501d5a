import type {
  FhirBundleEntry,
  FhirBundleEntryRequest,
  FhirBundlePayload,
  FhirResource,
} from '@meridian/contracts';

/** A resource the orchestrator keeps sync state for: one written by its business identifier. */
export interface TrackedEntry {
  /** Position in the bundle's `entry`. */
  index: number;
  entityType: string;
  /** `<identifier system>|<identifier value>`, as in the conditional URL. */
  entityId: string;
}

const CONDITIONAL_UPDATE = /^([A-Z][A-Za-z]{1,63})\?identifier=([^&]+)$/;

/**
 * The entries written by business identifier (`PUT <Type>?identifier=<system>|<value>`, how every
 * canonical bundle writes the records it owns). Those are the entities with sync state: the identifier
 * is what both sides agree on, whatever id the target gave the resource. Entries written by id or
 * created only if absent (`ifNoneExist`: practitioners, organisations) are reference data, not synced.
 */
export function trackedEntries(bundle: FhirBundlePayload): TrackedEntry[] {
  const tracked: TrackedEntry[] = [];
  bundle.entry.forEach((entry, index) => {
    const request = entry.request as { method?: unknown; url?: unknown } | undefined;
    if (request?.method !== 'PUT' || typeof request.url !== 'string') return;
    const match = CONDITIONAL_UPDATE.exec(request.url);
    if (!match || entry.resource?.resourceType !== match[1]) return;
    tracked.push({ index, entityType: match[1], entityId: decodeURIComponent(match[2]) });
  });
  return tracked;
}

/** Where a tracked entity lives on the target, and which version of it we last wrote or saw. */
export interface KnownVersion {
  externalId: string;
  externalVersion: string;
}

/**
 * The entry rewritten to update the target's resource by id, only if it is still at the version we
 * know (`If-Match`): a change made on the target since then makes the server refuse it (409/412),
 * which is how a conflict is detected rather than overwritten. `resource` replaces the entry's own
 * (a conflict resolution writes the chosen version). The entry's `fullUrl` stays, so references to
 * it inside the transaction still resolve.
 */
export function updateIfMatch(
  entry: FhirBundleEntry,
  known: KnownVersion,
  resource: FhirResource = entry.resource as FhirResource,
): FhirBundleEntry {
  const { meta: _meta, ...content } = resource;
  return {
    ...entry,
    resource: { ...content, id: known.externalId },
    // FHIR's Bundle.entry.request.ifMatch; the contract checks only method and url and keeps the rest.
    request: {
      method: 'PUT',
      url: `${resource.resourceType}/${known.externalId}`,
      ifMatch: `W/"${known.externalVersion}"`,
    } as FhirBundleEntryRequest,
  };
}

/**
 * The entry rewritten to create its entity only if the target has none with its identifier
 * (`POST` with `ifNoneExist`): written where newer content of ours must not be replaced, while
 * references to the entry's `fullUrl` inside the transaction still resolve (to the match).
 */
export function createIfMissing(entry: FhirBundleEntry, tracked: TrackedEntry): FhirBundleEntry {
  const { id: _id, meta: _meta, ...content } = entry.resource as FhirResource;
  return {
    ...entry,
    resource: content as FhirResource,
    request: {
      method: 'POST',
      url: tracked.entityType,
      ifNoneExist: `identifier=${encodeURIComponent(tracked.entityId)}`,
    } as FhirBundleEntryRequest,
  };
}

const REFERENCE = /^([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;

export interface ParsedReference {
  type: string;
  id: string;
  version?: string;
}

export function parseReference(reference: string): ParsedReference | undefined {
  const match = REFERENCE.exec(reference);
  if (!match) return undefined;
  return { type: match[1], id: match[2], ...(match[3] === undefined ? {} : { version: match[3] }) };
}

/**
 * The reference the target gave each tracked entry, from a transaction's references (one per entry
 * that has a location, in entry order). Entries are matched by type and order within the type, so an
 * entry without a location (which a server may give a read or a no-op) cannot shift another type's.
 */
export function referencesOf(
  bundle: FhirBundlePayload,
  tracked: readonly TrackedEntry[],
  references: readonly string[],
): Map<number, ParsedReference> {
  const byType = new Map<string, ParsedReference[]>();
  for (const reference of references) {
    const parsed = parseReference(reference);
    if (!parsed) continue;
    byType.set(parsed.type, [...(byType.get(parsed.type) ?? []), parsed]);
  }
  const result = new Map<number, ParsedReference>();
  for (const entry of tracked) {
    const sameTypeBefore = bundle.entry
      .slice(0, entry.index)
      .filter((other) => other.resource?.resourceType === entry.entityType).length;
    const parsed = byType.get(entry.entityType)?.[sameTypeBefore];
    if (parsed) result.set(entry.index, parsed);
  }
  return result;
}
