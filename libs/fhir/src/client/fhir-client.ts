import {
  CallTimeoutError,
  DEFAULT_RETRY_POLICY,
  assertRetryPolicy,
  retry,
  type CircuitBreakers,
  type RetryEvent,
  type RetryPolicy,
} from '@meridian/resilience';
import { checkUrl, type CheckUrlOptions } from '@meridian/security';
import FhirKitClient from 'fhir-kit-client';
import { createAuthProvider, type AuthProvider, type FhirAuthConfig } from './auth/auth-provider';
import type { TokenEndpointOptions } from './auth/token-endpoint';
import { TokenRequestError } from './auth/token-request-error';
import { FhirOperationError, FhirUrlRefusedError, toFhirOperationError } from './fhir-operation-error';
import type { Bundle, FhirResource, SearchParams } from './fhir-types';

export interface FhirClientOptions {
  /** The integration's FHIR base URL (`https://ehr.example/fhir/R4`). */
  baseUrl: string;
  /** Names the breaker and appears in error messages. */
  integrationId: string;
  /** A provider, or the integration's authentication settings to build one from. Default none. */
  auth?: AuthProvider | FhirAuthConfig;
  /** Per HTTP request, the answer's body included; default 30 s. */
  timeoutMs?: number;
  /** Default `DEFAULT_RETRY_POLICY` (3 attempts). */
  retryPolicy?: RetryPolicy;
  /** The service's breakers; the integration id is the key. Without it, calls are not guarded. */
  breakers?: CircuitBreakers;
  /**
   * SSRF rules for the base URL, paging links and the token endpoint (`allowList`, `allowHttp`:
   * local development and tests only), and how often the base URL is checked again (default
   * 5 min; also whenever the access token changes).
   */
  ssrf?: CheckUrlOptions & { recheckIntervalMs?: number };
  /** Deadline of token requests; default 15 s. */
  tokenTimeoutMs?: number;
  /** Longest `Retry-After` waited for in-process; default 30 s (see `retry`). */
  maxRetryAfterMs?: number;
  /** Before each retry's wait: heartbeat the Kafka consumer, log. */
  onRetry?: (event: RetryEvent & { operation: string }) => void | Promise<void>;
  /** For tests: replaces the waits between attempts and the clock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

export interface CallOptions {
  /** Aborts the call, its waits and its retries (shutdown). */
  signal?: AbortSignal;
}

export interface WriteOptions extends CallOptions {
  /** The version the change is based on (`meta.versionId`, or a whole ETag): sent as `If-Match: W/"<v>"`. */
  ifMatch?: string;
}

export interface CreateOptions extends CallOptions {
  /** Conditional create: `If-None-Exist` with these criteria (`{ identifier: 'sys|val' }`). */
  ifNoneExist?: SearchParams;
}

export interface TransactionOptions extends CallOptions {
  /**
   * Every entry is conditional or has a fixed id (as the transformer's bundles are), so sending
   * the Bundle twice does no harm: retried like a read. Otherwise only failures where the request
   * certainly was not processed are retried.
   */
  idempotent?: boolean;
}

export interface SearchOptions extends CallOptions {
  /** Stop following `next` links once this many matches are in; default 1,000. */
  limit?: number;
}

/** The outcome of create and update. `created` is true for 201 (a conditional create that matched answers 200). */
export interface FhirWriteResult<T extends FhirResource> {
  status: number;
  created: boolean;
  /** The resource as the server returned it; absent with `Prefer: return=minimal` servers. */
  resource?: T;
  id?: string;
  versionId?: string;
  location?: string;
}

export interface FhirSearchResult<T extends FhirResource> {
  /** Entries with `search.mode` `match` (or none), in the server's order. */
  resources: T[];
  /** `_include`d and `_revinclude`d resources. */
  included: FhirResource[];
  pages: number;
  /** False when paging stopped at the limit with a `next` link left. */
  complete: boolean;
  /** The greatest `meta.lastUpdated` among the matches. */
  lastUpdated?: string;
}

export const DEFAULT_FHIR_TIMEOUT_MS = 30_000;
export const DEFAULT_SEARCH_LIMIT = 1_000;
const DEFAULT_RECHECK_INTERVAL_MS = 5 * 60_000;

const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/;
const RESOURCE_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

type KitOptions = { headers: Record<string, string>; signal: AbortSignal };
type Exchange = (kit: FhirKitClient, options: KitOptions) => Promise<unknown>;

interface Operation {
  /** `read Patient`: for messages; never ids or values. */
  name: string;
  send: Exchange;
  /** Safe to send again after a failure that may have reached the server's logic. */
  idempotent: boolean;
  /** A 412 means "the version changed" (If-Match), not "several matches". */
  versioned?: boolean;
}

/**
 * Builds a client for one integration's FHIR server, after checking its base URL against the SSRF
 * rules (throws `FhirUrlRefusedError`, permanent, if refused).
 */
export async function createFhirClient(options: FhirClientOptions): Promise<FhirClient> {
  const client = new FhirClient(options);
  await client.checkBaseUrl();
  return client;
}

/**
 * FHIR R4 over fhir-kit-client 1.9 for one integration: every HTTP request with the integration's
 * credentials, a timeout, through its circuit breaker; transient failures retried per its policy.
 * Errors are `FhirOperationError` (see `kind`), `CircuitOpenError`, `TokenRequestError`,
 * `AuthConfigError` or `FhirUrlRefusedError`.
 */
export class FhirClient {
  readonly integrationId: string;
  private readonly kit: FhirKitClient;
  private readonly base: URL;
  private readonly auth: AuthProvider;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly now: () => number;
  private lastCheckAt = Number.NEGATIVE_INFINITY;
  private lastAuthorization?: string;

  constructor(private readonly options: FhirClientOptions) {
    this.integrationId = options.integrationId;
    if (!URL.canParse(options.baseUrl)) {
      throw new FhirUrlRefusedError(options.integrationId, { reason: 'invalid-url' });
    }
    this.base = new URL(options.baseUrl.replace(/\/+$/, ''));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_FHIR_TIMEOUT_MS;
    this.policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    assertRetryPolicy(this.policy);
    this.now = options.now ?? Date.now;
    const { recheckIntervalMs: _interval, ...urlRules } = options.ssrf ?? {};
    const tokenEndpoint: TokenEndpointOptions = { ...urlRules, timeoutMs: options.tokenTimeoutMs };
    const auth = options.auth ?? { type: 'none' };
    this.auth = 'headers' in auth ? auth : createAuthProvider(auth, { tokenEndpoint, now: this.now });
    this.kit = new FhirKitClient({
      baseUrl: this.base.href,
      // Redirects are not followed: the target would escape the SSRF check.
      requestOptions: { redirect: 'manual' },
    });
  }

  /** Checks the base URL against the SSRF rules now (creation does; calls do it again periodically). */
  async checkBaseUrl(): Promise<void> {
    const { recheckIntervalMs: _interval, ...rules } = this.options.ssrf ?? {};
    const checked = await checkUrl(this.base, rules);
    if (!checked.ok && checked.reason === 'dns-failure') {
      // The name may resolve again in a minute: transient, unlike a refusal by the rules.
      throw new FhirOperationError({
        kind: 'network',
        code: 'DNS_FAILURE',
        operation: 'base URL check',
        integrationId: this.integrationId,
      });
    }
    if (!checked.ok) throw new FhirUrlRefusedError(this.integrationId, checked);
    this.lastCheckAt = this.now();
  }

  async read<T extends FhirResource = FhirResource>(
    resourceType: string,
    id: string,
    options: CallOptions = {},
  ): Promise<T> {
    assertType(resourceType);
    assertId(id);
    const data = await this.execute(
      {
        name: `read ${resourceType}`,
        idempotent: true,
        send: (kit, kitOptions) => kit.read({ resourceType, id, options: kitOptions }),
      },
      options.signal,
    );
    return data as T;
  }

  /** POST; with `ifNoneExist`, a conditional create (idempotent: a repeat finds the first). */
  async create<T extends FhirResource>(
    resource: T,
    options: CreateOptions = {},
  ): Promise<FhirWriteResult<T>> {
    assertType(resource.resourceType);
    const conditional = options.ifNoneExist !== undefined;
    const extra: Record<string, string> = conditional
      ? { 'if-none-exist': queryString(options.ifNoneExist!) }
      : {};
    return this.write<T>(
      {
        name: `create ${resource.resourceType}`,
        idempotent: conditional,
        send: (kit, kitOptions) =>
          kit.create({
            resourceType: resource.resourceType,
            body: resource,
            options: { ...kitOptions, headers: { ...kitOptions.headers, ...extra } },
          }),
      },
      options.signal,
    );
  }

  /** PUT `Type/id` (the resource's id); with `ifMatch`, only if the server still has that version (else `conflict`). */
  async update<T extends FhirResource>(resource: T, options: WriteOptions = {}): Promise<FhirWriteResult<T>> {
    assertType(resource.resourceType);
    if (resource.id === undefined) throw new TypeError('update needs the resource id');
    assertId(resource.id);
    const id = resource.id;
    const extra = ifMatchHeader(options.ifMatch);
    return this.write<T>(
      {
        name: `update ${resource.resourceType}`,
        idempotent: true,
        versioned: options.ifMatch !== undefined,
        send: (kit, kitOptions) =>
          kit.update({
            resourceType: resource.resourceType,
            id,
            body: resource,
            options: { ...kitOptions, headers: { ...kitOptions.headers, ...extra } },
          }),
      },
      options.signal,
    );
  }

  /**
   * PUT `Type?criteria` (`{ identifier: 'sys|val' }`): updates the one match, creates if none
   * (201), fails with `multiple-matches` if several.
   */
  async conditionalUpdate<T extends FhirResource>(
    resource: T,
    criteria: SearchParams,
    options: WriteOptions = {},
  ): Promise<FhirWriteResult<T>> {
    assertType(resource.resourceType);
    if (Object.keys(criteria).length === 0) throw new TypeError('conditionalUpdate needs criteria');
    const extra = ifMatchHeader(options.ifMatch);
    return this.write<T>(
      {
        name: `conditional update ${resource.resourceType}`,
        idempotent: true,
        versioned: options.ifMatch !== undefined,
        send: (kit, kitOptions) =>
          kit.update({
            resourceType: resource.resourceType,
            searchParams: criteria as Record<string, string>,
            body: resource,
            options: { ...kitOptions, headers: { ...kitOptions.headers, ...extra } },
          }),
      },
      options.signal,
    );
  }

  /** Searches and follows `next` links (same server only) until the end or `limit` matches. */
  async search<T extends FhirResource = FhirResource>(
    resourceType: string,
    params: SearchParams = {},
    options: SearchOptions = {},
  ): Promise<FhirSearchResult<T>> {
    assertType(resourceType);
    const limit = options.limit ?? DEFAULT_SEARCH_LIMIT;
    const result: FhirSearchResult<T> = { resources: [], included: [], pages: 0, complete: true };
    const name = `search ${resourceType}`;
    let page = (await this.execute(
      {
        name,
        idempotent: true,
        send: (kit, kitOptions) =>
          kit.search({ resourceType, searchParams: params as Record<string, string>, options: kitOptions }),
      },
      options.signal,
    )) as Bundle<T>;
    for (;;) {
      if (page?.resourceType !== 'Bundle') {
        throw new FhirOperationError({
          kind: 'invalid-response',
          operation: name,
          integrationId: this.integrationId,
        });
      }
      collect(page, result);
      const next = page.link?.find((link) => link.relation === 'next')?.url;
      if (next === undefined) return result;
      if (result.resources.length >= limit) {
        result.complete = false;
        return result;
      }
      const url = this.pagingUrl(next, name);
      page = (await this.execute(
        { name, idempotent: true, send: (kit, kitOptions) => kit.request(url, { options: kitOptions }) },
        options.signal,
      )) as Bundle<T>;
    }
  }

  /**
   * Polling pull: what changed after `since` (`_lastUpdated=gt<since>`, oldest first). Next time,
   * pass the result's `lastUpdated`. When `complete` is false, continue with `comparator: 'ge'`
   * from `lastUpdated` and skip the versions already seen: resources updated in the same instant
   * may straddle the stop.
   */
  async searchUpdatedSince<T extends FhirResource = FhirResource>(
    resourceType: string,
    since: Date | string,
    options: SearchOptions & { params?: SearchParams; comparator?: 'gt' | 'ge' } = {},
  ): Promise<FhirSearchResult<T>> {
    const instant = since instanceof Date ? since.toISOString() : since;
    if (!INSTANT.test(instant)) throw new TypeError('since must be a FHIR instant (with a time zone)');
    if (options.params?._lastUpdated !== undefined) throw new TypeError('params already have _lastUpdated');
    const params: SearchParams = {
      _sort: '_lastUpdated',
      ...options.params,
      _lastUpdated: `${options.comparator ?? 'gt'}${instant}`,
    };
    return this.search<T>(resourceType, params, options);
  }

  /** POST a transaction Bundle to the base URL; the answer is the transaction-response Bundle. */
  async transaction(bundle: Bundle, options: TransactionOptions = {}): Promise<Bundle> {
    if (bundle.resourceType !== 'Bundle' || bundle.type !== 'transaction') {
      throw new TypeError('transaction needs a Bundle of type transaction');
    }
    const data = await this.execute(
      {
        name: 'transaction',
        idempotent: options.idempotent === true,
        send: (kit, kitOptions) =>
          kit.transaction({ body: bundle as FhirResource & { type: 'transaction' }, options: kitOptions }),
      },
      options.signal,
    );
    return data as Bundle;
  }

  private async write<T extends FhirResource>(
    operation: Operation,
    signal: AbortSignal | undefined,
  ): Promise<FhirWriteResult<T>> {
    const data = (await this.execute(operation, signal)) as T | Record<string, never>;
    const response = FhirKitClient.httpFor(data as FhirResource).response;
    const resource = typeof data.resourceType === 'string' ? (data as T) : undefined;
    const location = response?.headers.get('location') ?? undefined;
    const fromLocation = location
      ? /\/([A-Za-z0-9\-.]{1,64})\/_history\/([A-Za-z0-9\-.]{1,64})\/?$/.exec(location)
      : null;
    const etag = response?.headers.get('etag') ?? undefined;
    const status = response?.status ?? 200;
    return {
      status,
      created: status === 201,
      resource,
      id: resource?.id ?? fromLocation?.[1],
      versionId:
        resource?.meta?.versionId ??
        fromLocation?.[2] ??
        (etag ? /^(?:W\/)?"([^"]+)"$/.exec(etag)?.[1] : undefined),
      location,
    };
  }

  private execute(operation: Operation, signal: AbortSignal | undefined): Promise<unknown> {
    return retry(() => this.attempt(operation, signal), this.policy, {
      signal,
      maxRetryAfterMs: this.options.maxRetryAfterMs,
      sleep: this.options.sleep,
      isRetryable: (error) => {
        if (error instanceof FhirOperationError) {
          return error.retriable && (operation.idempotent || error.notProcessed);
        }
        return error instanceof TokenRequestError && error.retriable;
      },
      onRetry: this.options.onRetry
        ? (event) => this.options.onRetry?.({ ...event, operation: operation.name })
        : undefined,
    });
  }

  /** One attempt: a request, and after a 401 with a token that can be renewed, one more with a new token. */
  private async attempt(operation: Operation, signal: AbortSignal | undefined): Promise<unknown> {
    let headers = await this.authHeaders(signal);
    try {
      return await this.exchange(operation, headers, signal);
    } catch (error) {
      if (!(error instanceof FhirOperationError && error.status === 401 && this.auth.invalidate)) throw error;
      this.auth.invalidate(headers);
      headers = await this.authHeaders(signal);
      return this.exchange(operation, headers, signal);
    }
  }

  private async authHeaders(signal: AbortSignal | undefined): Promise<Record<string, string>> {
    const headers = await this.auth.headers(signal);
    const authorization = headers.authorization;
    const interval = this.options.ssrf?.recheckIntervalMs ?? DEFAULT_RECHECK_INTERVAL_MS;
    // fetch resolves the host itself (fhir-kit-client takes no pinned connection): checking again
    // when the token changes and periodically narrows the window a DNS change could use.
    if (authorization !== this.lastAuthorization || this.now() - this.lastCheckAt >= interval) {
      await this.checkBaseUrl();
      this.lastAuthorization = authorization;
    }
    return headers;
  }

  private async exchange(
    operation: Operation,
    headers: Record<string, string>,
    callerSignal: AbortSignal | undefined,
  ): Promise<unknown> {
    const send = async (guardSignal: AbortSignal): Promise<unknown> => {
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const signal = AbortSignal.any([guardSignal, timeout]);
      try {
        return await operation.send(this.kit, { headers, signal });
      } catch (error) {
        if (guardSignal.aborted && !timeout.aborted) throw guardSignal.reason;
        throw toFhirOperationError(error, {
          operation: operation.name,
          integrationId: this.integrationId,
          versioned: operation.versioned === true,
          timedOut: timeout.aborted,
          now: this.now(),
        });
      }
    };
    const { breakers } = this.options;
    if (!breakers) return send(callerSignal ?? new AbortController().signal);
    try {
      return await breakers.run(this.integrationId, send, { signal: callerSignal });
    } catch (error) {
      if (error instanceof CallTimeoutError) {
        throw new FhirOperationError({
          kind: 'timeout',
          operation: operation.name,
          integrationId: this.integrationId,
        });
      }
      throw error;
    }
  }

  /** A `next` link, as long as it stays on the integration's server (origin and base path). */
  private pagingUrl(link: string, operation: string): string {
    let url: URL;
    try {
      url = new URL(link, `${this.base.href}/`);
    } catch {
      throw new FhirOperationError({
        kind: 'invalid-response',
        operation,
        integrationId: this.integrationId,
      });
    }
    const basePath = this.base.pathname.replace(/\/+$/, '');
    const samePath = url.pathname === basePath || url.pathname.startsWith(`${basePath}/`);
    if (url.origin !== this.base.origin || !samePath) {
      throw new FhirOperationError({
        kind: 'invalid-response',
        operation,
        integrationId: this.integrationId,
      });
    }
    return url.href;
  }
}

function collect<T extends FhirResource>(page: Bundle<T>, result: FhirSearchResult<T>): void {
  result.pages += 1;
  for (const entry of page.entry ?? []) {
    if (!entry.resource) continue;
    const mode = entry.search?.mode ?? 'match';
    if (mode === 'match') {
      result.resources.push(entry.resource);
      const updated = entry.resource.meta?.lastUpdated;
      if (
        typeof updated === 'string' &&
        (result.lastUpdated === undefined || Date.parse(updated) > Date.parse(result.lastUpdated))
      ) {
        result.lastUpdated = updated;
      }
    } else if (mode === 'include') {
      result.included.push(entry.resource);
    }
  }
}

function queryString(params: SearchParams): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) query.append(name, String(item));
  }
  return query.toString();
}

function ifMatchHeader(version: string | undefined): Record<string, string> {
  if (version === undefined) return {};
  if (/^W\/"[^"]+"$/.test(version)) return { 'if-match': version };
  assertId(version, 'ifMatch version');
  return { 'if-match': `W/"${version}"` };
}

function assertType(resourceType: string): void {
  if (!RESOURCE_TYPE.test(resourceType ?? '')) throw new TypeError('not a FHIR resource type');
}

function assertId(id: string, what = 'id'): void {
  if (!RESOURCE_ID.test(id ?? '')) throw new TypeError(`${what} is not a FHIR id`);
}
