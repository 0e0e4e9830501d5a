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
  /**
   * The business identifier the server matches on; needs a system and a value. Several: the resource
   * is the one holding all of them (`identifier=a&identifier=b`), for an identity only a pair of
   * numbers makes (a specimen's placer and filler ids).
   */
  identifier?: fhir4.Identifier | readonly fhir4.Identifier[];
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

export function identifierQuery(
  identifier: fhir4.Identifier | readonly fhir4.Identifier[],
): string | undefined {
  const all = Array.isArray(identifier) ? identifier : [identifier as fhir4.Identifier];
  if (all.length === 0 || all.some((i) => i.system === undefined || i.value === undefined)) return undefined;
  return all
    .map((i) => `identifier=${queryPart(tokenPart(i.system ?? ''))}|${queryPart(tokenPart(i.value ?? ''))}`)
    .join('&');
}

/** Removes undefined, empty strings, empty arrays and empty objects (FHIR JSON allows none of them). */
export function prune<T>(value: T): T {
  return pruneValue(value) as T;
}

function pruneValue(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (const item of value) {
      const pruned = pruneValue(item);
      if (pruned !== undefined) (out ??= []).push(pruned);
    }
    return out;
  }
  let out: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const pruned = pruneValue(record[key]);
    if (pruned !== undefined) (out ??= {})[key] = pruned;
  }
  return out;
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
  private readonly ids = new Map<string, string>();

  /** `scope` (the sending facility) is part of every derived id. */
  constructor(private readonly scope: string) {}

  /** What the resource is matched on: `system|value` of its identifier, else its key. */
  private keyOf(
    type: string,
    options: AddOptions,
  ): { key: string; identifier?: fhir4.Identifier | readonly fhir4.Identifier[] } {
    const identifier = options.identifier;
    const all = identifier === undefined ? [] : Array.isArray(identifier) ? identifier : [identifier];
    if (all.length > 0 && all.every((i) => i.system !== undefined && i.value !== undefined)) {
      // One identifier keys as `system|value` (the ids every earlier message derived); several join.
      return { key: all.map((i) => `${i.system}|${i.value}`).join('&'), identifier };
    }
    if (options.key === undefined) throw new Error(`${type} added without identifier or key`);
    return { key: options.key };
  }

  /** Derived ids, each hashed once: a practitioner or location is often named many times in a message. */
  private idOf(type: string, key: string): string {
    const cacheKey = `${type}\u001f${key}`;
    let id = this.ids.get(cacheKey);
    if (id === undefined) {
      id = deterministicId(this.scope, type, key);
      this.ids.set(cacheKey, id);
    }
    return id;
  }

  /** The reference a resource will have once added (to point at it before it is built). */
  reference(type: string, options: AddOptions): fhir4.Reference {
    return { reference: `urn:uuid:${this.idOf(type, this.keyOf(type, options).key)}` };
  }

  /** Adds a resource (pruned) and returns the reference other resources of the bundle use. */
  add(resource: fhir4.FhirResource, options: AddOptions): fhir4.Reference {
    const type = resource.resourceType;
    const { key, identifier } = this.keyOf(type, options);
    const id = this.idOf(type, key);
    const fullUrl = `urn:uuid:${id}`;
    const existing = this.byKey.get(`${type}/${id}`);
    if (existing) return { reference: existing.fullUrl };
    const query = identifier && identifierQuery(identifier);

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
      .map((e, i) => ({ e, i, rank: ENTRY_RANK[e.resource.resourceType] ?? HANGS_OFF }))
      .sort((a, b) => a.rank - b.rank || a.i - b.i)
      .map(({ e }) => e);
    // Entries were pruned when added.
    const bundle: fhir4.Bundle = { resourceType: 'Bundle', id, type: 'transaction' };
    if (timestamp !== undefined) bundle.timestamp = timestamp;
    bundle.entry = ordered.map((e) => ({ fullUrl: e.fullUrl, resource: e.resource, request: e.request }));
    return bundle;
  }
}

/**
 * Reading order of the entry groups, so that a person reading a Bundle meets what it is about first:
 * who (Patient), the visit, the message's subject — the request, report, appointment, document,
 * immunization or dispense the message was sent for —, what hangs off the subject (its
 * Observations, Specimens, Conditions, allergies, procedures, coverage), then what the subject only
 * points at and other messages share (people, organizations, places, the product a medication
 * request names), and the Provenance of the whole. A type not listed reads as "hangs off".
 */
const ENTRY_GROUPS: readonly (readonly string[])[] = [
  ['Patient'],
  ['Encounter'],
  [
    'ServiceRequest',
    'DiagnosticReport',
    'Appointment',
    'DocumentReference',
    'Immunization',
    'MedicationRequest',
    'MedicationDispense',
  ],
  ['Observation', 'Specimen', 'Condition', 'AllergyIntolerance', 'Procedure', 'Coverage', 'RelatedPerson'],
  ['Practitioner', 'Organization', 'Location', 'Medication'],
  ['Provenance'],
];
const HANGS_OFF = 3;
const ENTRY_RANK: Record<string, number> = Object.fromEntries(
  ENTRY_GROUPS.flatMap((types, rank) => types.map((type) => [type, rank])),
);

function withoutType(resource: fhir4.FhirResource): Omit<fhir4.FhirResource, 'resourceType'> {
  const { resourceType: _type, ...rest } = resource;
  return rest;
}
