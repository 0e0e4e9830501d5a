import type { ConflictResolution, FhirResource } from '@meridian/contracts';

/**
 * One entity that changed on both sides: our source wants to write `local`, the target now holds
 * `external`, and `base` is what we last wrote there (absent when we never completed a write).
 */
export interface ConflictSides {
  local: FhirResource;
  external: FhirResource;
  base?: FhirResource;
  /** When the source produced `local` (RFC 3339); `newest_wins` compares it with `external.meta.lastUpdated`. */
  localTime?: string;
}

export type AutomaticAction = Exclude<ConflictResolution, 'manual'>;

export type Decision =
  | { kind: 'write'; action: AutomaticAction; resource: FhirResource; fields: string[] }
  | { kind: 'hold'; reason: 'manual' | 'overlapping-changes'; fields: string[] };

/** Elements that are the server's bookkeeping, not content: never compared, never merged. */
const BOOKKEEPING = new Set(['resourceType', 'id', 'meta', 'text']);

/** The top-level elements whose content differs between two versions of a resource, sorted. */
export function differingElements(one: FhirResource, other: FhirResource): string[] {
  return contentKeys(one, other).filter((key) => !sameValue(one[key], other[key]));
}

/** What the integration's `conflictResolution` makes of a conflict. */
export function decide(strategy: ConflictResolution, sides: ConflictSides): Decision {
  const fields = differingElements(sides.local, sides.external);
  switch (strategy) {
    case 'source_wins':
      return { kind: 'write', action: strategy, resource: sides.local, fields };
    case 'dest_wins':
      return { kind: 'write', action: strategy, resource: sides.external, fields };
    case 'newest_wins':
      return {
        kind: 'write',
        action: strategy,
        resource: localIsNewer(sides) ? sides.local : sides.external,
        fields,
      };
    case 'merge': {
      const merged = threeWayMerge(sides);
      if (merged.overlapping.length > 0) {
        return { kind: 'hold', reason: 'overlapping-changes', fields: merged.overlapping };
      }
      return { kind: 'write', action: strategy, resource: merged.resource, fields };
    }
    case 'manual':
      return { kind: 'hold', reason: 'manual', fields };
  }
}

export interface MergeResult {
  resource: FhirResource;
  /** Elements both sides changed differently since `base` (all differing ones when there is no base). */
  overlapping: string[];
}

/**
 * Field-level three-way merge over top-level elements: an element only one side changed since
 * `base` takes that side's value; one both changed alike is kept; one both changed differently is
 * overlapping and takes `local`'s value here (the caller decides whether that may stand).
 * The result carries the external resource's `id` and `meta`: it replaces that version.
 */
export function threeWayMerge({ local, external, base }: ConflictSides): MergeResult {
  const resource: Record<string, unknown> = { resourceType: external.resourceType };
  for (const key of ['id', 'meta']) {
    if (external[key] !== undefined) resource[key] = external[key];
  }
  const overlapping: string[] = [];
  for (const key of contentKeys(local, external, base ?? { resourceType: local.resourceType })) {
    const ours = local[key];
    const theirs = external[key];
    let value: unknown;
    if (sameValue(ours, theirs)) value = ours;
    else if (base !== undefined && sameValue(ours, base[key])) value = theirs;
    else if (base !== undefined && sameValue(theirs, base[key])) value = ours;
    else {
      overlapping.push(key);
      value = ours;
    }
    if (value !== undefined) resource[key] = value;
  }
  return { resource: resource as FhirResource, overlapping };
}

export type ManualAction = 'use_local' | 'use_external' | 'merge' | 'manual';

export interface ManualResolution {
  action: ManualAction;
  /** merge: element → the side whose value it takes; elements not named merge as in `threeWayMerge`. */
  fields?: Record<string, 'local' | 'external'>;
  /** manual: the resource to write. */
  data?: Record<string, unknown>;
}

/**
 * The resource a person's resolution writes. Throws a `TypeError` naming the problem (never a value)
 * when the resolution cannot apply: manual data of another resource type, or a merge naming an
 * element that is not content.
 */
export function applyResolution(sides: ConflictSides, resolution: ManualResolution): FhirResource {
  switch (resolution.action) {
    case 'use_local':
      return sides.local;
    case 'use_external':
      return sides.external;
    case 'merge': {
      const { resource } = threeWayMerge(sides);
      for (const [key, side] of Object.entries(resolution.fields ?? {})) {
        if (BOOKKEEPING.has(key)) throw new TypeError(`merge cannot choose "${key}": it is not content`);
        const value = (side === 'local' ? sides.local : sides.external)[key];
        if (value === undefined) delete resource[key];
        else resource[key] = value;
      }
      return resource;
    }
    case 'manual': {
      const data = resolution.data;
      if (data === undefined || data.resourceType !== sides.local.resourceType) {
        throw new TypeError(`manual data must be a ${sides.local.resourceType} resource`);
      }
      return data as FhirResource;
    }
  }
}

function localIsNewer({ external, localTime }: ConflictSides): boolean {
  const ours = Date.parse(localTime ?? '');
  const lastUpdated = (external.meta as { lastUpdated?: unknown } | undefined)?.lastUpdated;
  const theirs = Date.parse(typeof lastUpdated === 'string' ? lastUpdated : '');
  // A side without a usable time cannot claim to be newer; with neither, the source's write stands.
  if (Number.isNaN(theirs)) return true;
  if (Number.isNaN(ours)) return false;
  return ours >= theirs;
}

function contentKeys(...resources: FhirResource[]): string[] {
  const keys = new Set<string>();
  for (const resource of resources) {
    for (const key of Object.keys(resource)) if (!BOOKKEEPING.has(key)) keys.add(key);
  }
  return [...keys].sort();
}

function sameValue(one: unknown, other: unknown): boolean {
  return canonical(one) === canonical(other);
}

/** JSON with object keys sorted, so two equal resources compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
