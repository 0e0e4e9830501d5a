import { isResourceId, isUuidUrn } from './primitive-formats';

// Bundle rules that need more than one entry at a time: R4 invariants bdl-1..5, 7 and 8, UUID
// fullUrls, and the request rules of transaction and batch bundles (R4 http.html#transaction).
// The walker checks each entry's elements; these run once per Bundle before it does, and give
// it the fullUrls that `urn:uuid:` references must resolve to.

export type JsonObject = Record<string, unknown>;
export type Report = (path: string, rule: string, message: string) => void;

export interface BundleScope {
  /** fullUrl → the resourceType of its entry's resource (undefined when it has none). */
  readonly fullUrls: ReadonlyMap<string, string | undefined>;
}

const NEEDS_REQUEST = new Set(['batch', 'transaction', 'history']);
const NEEDS_RESPONSE = new Set(['batch-response', 'transaction-response', 'history']);
const WITH_TOTAL = new Set(['searchset', 'history']);
const NEEDS_RESOURCE = new Set(['POST', 'PUT', 'PATCH']);
// `Type`, `Type/id`, `Type/id/_history/vid`, `Type?criteria`, each optionally followed by an
// operation or `_search` (`Type/$validate`, `Type/id/$everything`).
const REQUEST_URL_RE =
  /^([A-Z][A-Za-z]+)(?:\/(?!\$|_search\b)([^/?]+)(?:\/_history\/[^/?]+)?)?(\/(?:\$[^/?]+|_search))?(?:\?(.*))?$/;
const ABSOLUTE_URL_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

export function isPlainObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function resourceTypeOf(resource: JsonObject | undefined, types: ReadonlySet<string>): string | undefined {
  const type = resource?.resourceType;
  return typeof type === 'string' && types.has(type) ? type : undefined;
}

export function checkBundle(
  bundle: JsonObject,
  path: string,
  types: ReadonlySet<string>,
  report: Report,
): BundleScope {
  const type = typeof bundle.type === 'string' ? bundle.type : undefined;
  const fullUrls = new Map<string, string | undefined>();
  if (bundle.total !== undefined && type !== undefined && !WITH_TOTAL.has(type)) {
    report(`${path}.total`, 'bdl-1', 'total is only allowed in searchset and history bundles');
  }
  if (!Array.isArray(bundle.entry)) return { fullUrls };
  // fullUrl + versionId → first entry index, for bdl-7.
  const seen = new Map<string, number>();
  bundle.entry.forEach((entry: unknown, i) => {
    if (!isPlainObject(entry)) return;
    const at = `${path}.entry[${i}]`;
    const resource = isPlainObject(entry.resource) ? entry.resource : undefined;
    const resourceType = resourceTypeOf(resource, types);
    if (type !== undefined) checkEntryKind(entry, at, type, report);
    if (entry.resource === undefined && entry.request === undefined && entry.response === undefined) {
      report(at, 'bdl-5', 'entry must have a resource, a request or a response');
    }
    if (typeof entry.fullUrl === 'string') {
      const fullUrl = entry.fullUrl;
      if (fullUrl.includes('/_history/')) {
        report(`${at}.fullUrl`, 'bdl-8', 'fullUrl must not be a version-specific reference');
      }
      if (fullUrl.startsWith('urn:uuid:') && !isUuidUrn(fullUrl)) {
        report(`${at}.fullUrl`, 'bundle-fullurl', 'urn:uuid fullUrl is not a lowercase RFC 4122 UUID');
      }
      const meta = isPlainObject(resource?.meta) ? resource.meta : undefined;
      const key = `${fullUrl}\u0000${typeof meta?.versionId === 'string' ? meta.versionId : ''}`;
      const first = seen.get(key);
      if (first !== undefined && type !== 'history') {
        report(`${at}.fullUrl`, 'bdl-7', `fullUrl is not unique in the bundle (also entry[${first}])`);
      } else if (first === undefined) {
        seen.set(key, i);
      }
      if (!fullUrls.has(fullUrl)) fullUrls.set(fullUrl, resourceType);
    }
    if ((type === 'transaction' || type === 'batch') && isPlainObject(entry.request)) {
      checkRequest(entry.request, resource, resourceType, at, report);
    }
  });
  return { fullUrls };
}

// bdl-2, bdl-3, bdl-4: which parts an entry may have depends on the bundle type.
function checkEntryKind(entry: JsonObject, at: string, type: string, report: Report): void {
  if (entry.search !== undefined && type !== 'searchset') {
    report(`${at}.search`, 'bdl-2', 'entry.search is only allowed in searchset bundles');
  }
  const needsRequest = NEEDS_REQUEST.has(type);
  if ((entry.request !== undefined) !== needsRequest) {
    report(
      needsRequest ? at : `${at}.request`,
      'bdl-3',
      needsRequest
        ? `entry.request is required in a ${type} bundle`
        : 'entry.request is only allowed in batch, transaction and history bundles',
    );
  }
  const needsResponse = NEEDS_RESPONSE.has(type);
  if ((entry.response !== undefined) !== needsResponse) {
    report(
      needsResponse ? at : `${at}.response`,
      'bdl-4',
      needsResponse
        ? `entry.response is required in a ${type} bundle`
        : 'entry.response is only allowed in batch-response, transaction-response and history bundles',
    );
  }
}

function checkRequest(
  request: JsonObject,
  resource: JsonObject | undefined,
  resourceType: string | undefined,
  at: string,
  report: Report,
): void {
  const method = typeof request.method === 'string' ? request.method : undefined;
  if (method !== undefined && NEEDS_RESOURCE.has(method) && resource === undefined) {
    report(at, 'transaction-resource', `a ${method} entry must have a resource`);
  }
  const url = request.url;
  // Absolute URLs are left alone: the spec says relative, servers accept both. Empty strings
  // and whitespace are primitive format errors the walker reports.
  if (typeof url !== 'string' || url === '' || /\s/.test(url) || ABSOLUTE_URL_RE.test(url)) return;
  const urlPath = `${at}.request.url`;
  if (url.startsWith('$') || url.startsWith('_') || url === 'metadata' || url.startsWith('?')) return;
  const match = REQUEST_URL_RE.exec(url);
  if (!match) {
    report(urlPath, 'transaction-url', 'request.url is not Type, Type/id or Type?criteria');
    return;
  }
  const [, urlType, urlId, operation, query] = match;
  if (method === 'PUT' || method === 'DELETE' || method === 'PATCH') {
    const instance = urlId !== undefined && query === undefined && operation === undefined;
    const conditional = urlId === undefined && query !== undefined && query !== '' && operation === undefined;
    if (!instance && !conditional) {
      report(urlPath, 'transaction-url', `a ${method} entry's request.url must be Type/id or Type?criteria`);
      return;
    }
  }
  if (urlId !== undefined && !isResourceId(urlId)) {
    report(urlPath, 'transaction-url', 'the id in request.url is not a valid R4 id');
    return;
  }
  if ((method === 'POST' || method === 'PUT') && operation === undefined && resourceType !== undefined) {
    if (urlType !== resourceType) {
      report(
        urlPath,
        'transaction-url',
        `request.url names another resource type than the entry's ${resourceType}`,
      );
    } else if (method === 'PUT' && urlId !== undefined && resource?.id !== urlId) {
      report(urlPath, 'transaction-url', 'resource.id must equal the id in request.url for PUT Type/id');
    }
  }
}
