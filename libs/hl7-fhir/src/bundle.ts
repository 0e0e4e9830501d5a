import { deterministicId } from './ids';

/**
 * How an entry is written to the server:
 * - 'update': conditional update `PUT Type?identifier=system|value` (or `PUT Type/<id>` without one);
 * - 'create-if-missing': conditional create `POST Type` with `ifNoneExist: identifier=system|value`, for
 *   resources another feed owns (a lab result must not overwrite the demographics ADT keeps up to date).
 * Both are idempotent: sending the same bundle again creates nothing new.
 */
export type EntryMode = 'update' | 'create-if-missing';

export interface AddOptions {
  /** The business identifier the server matches on; needs a system and a value. */
  identifier?: fhir4.Identifier;
  /** Stable key for resources without a business identifier: the id is derived from it. */
  key?: string;
  mode?: EntryMode;
}

/** Escapes a token search value (FHIR search: `\`, `|`, `,` and `$` are escaped with `\`). */
function tokenPart(value: string): string {
  return value.replace(/[\\|,$]/g, (c) => `\\${c}`);
}

/** Percent-encodes what a query value cannot hold, keeping ':' and '/' readable as FHIR examples do. */
function queryPart(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2F/gi, '/');
}

export function identifierQuery(identifier: fhir4.Identifier): string | undefined {
  if (identifier.system === undefined || identifier.value === undefined) return undefined;
  return `identifier=${queryPart(tokenPart(identifier.system))}|${queryPart(tokenPart(identifier.value))}`;
}

/** Removes undefined, empty strings, empty arrays and empty objects (FHIR JSON allows none of them). */
export function prune<T>(value: T): T {
  return pruneValue(value) as T;
}

function pruneValue(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) {
    const out = value.map(pruneValue).filter((v) => v !== undefined);
    return out.length === 0 ? undefined : out;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    let any = false;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const pruned = pruneValue(v);
      if (pruned !== undefined) {
        out[k] = pruned;
        any = true;
      }
    }
    return any ? out : undefined;
  }
  return value;
}

interface Entry {
  fullUrl: string;
  resource: fhir4.FhirResource;
  request: fhir4.BundleEntryRequest;
}

/** Collects the entries of one transaction Bundle; the same resource added twice is kept once. */
export class BundleBuilder {
  private readonly entries: Entry[] = [];
  private readonly byKey = new Map<string, Entry>();

  /** `scope` (the sending facility) is part of every derived id. */
  constructor(private readonly scope: string) {}

  private identity(type: string, options: AddOptions): { id: string; query: string | undefined } {
    const query = options.identifier ? identifierQuery(options.identifier) : undefined;
    const key =
      query !== undefined ? `${options.identifier?.system}|${options.identifier?.value}` : options.key;
    if (key === undefined) throw new Error(`${type} added without identifier or key`);
    return { id: deterministicId(this.scope, type, key), query };
  }

  /** The reference a resource will have once added (to point at it before it is built). */
  reference(type: string, options: AddOptions): fhir4.Reference {
    return { reference: `urn:uuid:${this.identity(type, options).id}` };
  }

  /** Adds a resource (pruned) and returns the reference other resources of the bundle use. */
  add(resource: fhir4.FhirResource, options: AddOptions): fhir4.Reference {
    const type = resource.resourceType;
    const { id, query } = this.identity(type, options);
    const fullUrl = `urn:uuid:${id}`;
    const existing = this.byKey.get(`${type}/${id}`);
    if (existing) return { reference: existing.fullUrl };

    let request: fhir4.BundleEntryRequest;
    let body: fhir4.FhirResource;
    if (query === undefined) {
      request = { method: 'PUT', url: `${type}/${id}` };
      body = { resourceType: type, id, ...withoutType(resource) } as fhir4.FhirResource;
    } else if (options.mode === 'create-if-missing') {
      // No id in the body: the server assigns it, and references to fullUrl follow the match.
      request = { method: 'POST', url: type, ifNoneExist: query };
      body = resource;
    } else {
      request = { method: 'PUT', url: `${type}?${query}` };
      body = resource;
    }
    const entry: Entry = { fullUrl, resource: prune(body), request };
    this.entries.push(entry);
    this.byKey.set(`${type}/${id}`, entry);
    return { reference: fullUrl };
  }

  /** Resources added so far, in order. */
  resources(): fhir4.FhirResource[] {
    return this.entries.map((e) => e.resource);
  }

  fullUrls(): string[] {
    return this.entries.map((e) => e.fullUrl);
  }

  /** Entries for readers: the patient first, then the visit, the message's subject, what hangs off it, supporting resources, the Provenance last (order does not matter to a server: a transaction is processed as a whole). */
  build(id: string, timestamp: string | undefined): fhir4.Bundle {
    const ordered = this.entries
      .map((e, i) => ({ e, i, rank: ENTRY_RANK[e.resource.resourceType] ?? 3 }))
      .sort((a, b) => a.rank - b.rank || a.i - b.i)
      .map(({ e }) => e);
    return prune<fhir4.Bundle>({
      resourceType: 'Bundle',
      id,
      type: 'transaction',
      timestamp,
      entry: ordered.map((e) => ({ fullUrl: e.fullUrl, resource: e.resource, request: e.request })),
    });
  }
}

const ENTRY_RANK: Record<string, number> = {
  Patient: 0,
  Encounter: 1,
  ServiceRequest: 2,
  DiagnosticReport: 2,
  Appointment: 2,
  DocumentReference: 2,
  Practitioner: 4,
  Organization: 4,
  Location: 4,
  Provenance: 5,
};

function withoutType(resource: fhir4.FhirResource): Omit<fhir4.FhirResource, 'resourceType'> {
  const { resourceType: _type, ...rest } = resource;
  return rest;
}
