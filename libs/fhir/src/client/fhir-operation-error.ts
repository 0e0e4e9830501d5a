import { PermanentError } from '@meridian/resilience';
import { parseRetryAfter } from '@meridian/resilience';
import type { UrlRefusal } from '@meridian/security';
import { isOperationOutcome, type OperationOutcome } from './fhir-types';

/**
 * - `conflict`: 409, or 412 on a versioned update (`If-Match`): someone changed the resource since
 *   the version we knew. Re-read and decide; never overwrite.
 * - `multiple-matches`: 412 on a conditional create or update: the criteria matched several resources.
 * - `unauthorized`: 401 (after one token refresh) or 403.
 * - `rejected`: any other 4xx; the server refused this request, and will again.
 * - `throttled`: 429. `server-error`: 5xx. `timeout`: no answer in time (or 408). `network`: no
 *   connection, or it broke.
 * - `invalid-response`: an answer that is not FHIR JSON, a redirect (never followed), a paging link
 *   to another server.
 */
export type FhirErrorKind =
  | 'conflict'
  | 'multiple-matches'
  | 'unauthorized'
  | 'rejected'
  | 'throttled'
  | 'server-error'
  | 'timeout'
  | 'network'
  | 'invalid-response';

const RETRIABLE_KINDS: ReadonlySet<FhirErrorKind> = new Set([
  'throttled',
  'server-error',
  'timeout',
  'network',
]);

/** Node / undici codes of connections that never carried the request: safe to repeat any request. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'DNS_FAILURE',
]);

export interface FhirOperationErrorInit {
  kind: FhirErrorKind;
  /** `read Patient`, `search Observation`, `transaction`: never an id or a search value. */
  operation: string;
  integrationId: string;
  status?: number;
  outcome?: OperationOutcome;
  retryAfterMs?: number;
  /** The network error's code (`ECONNREFUSED`, `UND_ERR_SOCKET`, …). */
  code?: string;
}

/**
 * A FHIR interaction that failed. Its `message` is PHI-free (operation, integration, status, kind
 * and the OperationOutcome's issue codes); the outcome itself, whose diagnostics may quote the
 * request's data, is kept as data (`outcome`, not enumerable, so loggers that serialise errors
 * leave it out).
 *
 * The Kafka runtime's `classifyError` reads `status` and `retriable`: a 4xx other than 408/429 is
 * permanent (DLQ), the rest transient (retried, then DLQ).
 */
export class FhirOperationError extends Error {
  override readonly name: string = 'FhirOperationError';
  readonly kind: FhirErrorKind;
  readonly operation: string;
  readonly integrationId: string;
  readonly status?: number;
  /** The OperationOutcome's `issue[].code`s, as far as they are FHIR issue type codes. */
  readonly issueCodes: readonly string[];
  readonly retriable: boolean;
  readonly retryAfterMs?: number;
  readonly code?: string;
  declare readonly outcome?: OperationOutcome;

  constructor(init: FhirOperationErrorInit) {
    const issueCodes = init.outcome ? init.outcome.issue.map((issue) => issueCode(issue.code)) : [];
    const answer = init.status === undefined ? init.kind : `HTTP ${init.status} ${init.kind}`;
    const detail = init.code
      ? ` (${init.code})`
      : issueCodes.length > 0
        ? ` (issues: ${issueCodes.join(', ')})`
        : '';
    super(`FHIR ${init.operation} for integration ${init.integrationId} failed: ${answer}${detail}`);
    this.kind = init.kind;
    this.operation = init.operation;
    this.integrationId = init.integrationId;
    this.status = init.status;
    this.issueCodes = issueCodes;
    this.retriable = RETRIABLE_KINDS.has(init.kind);
    this.retryAfterMs = init.retryAfterMs;
    this.code = init.code;
    Object.defineProperty(this, 'outcome', { value: init.outcome, enumerable: false });
  }

  get conflict(): boolean {
    return this.kind === 'conflict';
  }

  /** Whether the request certainly never reached the server's logic (so even a plain create may be repeated). */
  get notProcessed(): boolean {
    return this.kind === 'throttled' || (this.kind === 'network' && NOT_SENT_CODES.has(this.code ?? ''));
  }
}

/** The base URL or a paging link is not one the platform may call (SSRF guard). */
export class FhirUrlRefusedError extends PermanentError {
  override readonly name: string = 'FhirUrlRefusedError';

  constructor(
    readonly integrationId: string,
    readonly refusal: Pick<UrlRefusal, 'reason' | 'category'>,
  ) {
    super(
      `FHIR base URL of integration ${integrationId} refused: ${refusal.reason}${refusal.category ? ` (${refusal.category})` : ''}`,
    );
  }
}

/** Issue type codes are lowercase words with hyphens; anything else a server sends is not repeated. */
function issueCode(code: unknown): string {
  return typeof code === 'string' && /^[a-z][a-z-]{0,39}$/.test(code) ? code : '?';
}

/** What fhir-kit-client 1.9 throws for a non-2xx answer or a body that is not JSON: a plain object. */
interface KitHttpError {
  response: { status: number; data: unknown };
  config: { method: string; url: string; headers?: { get?(name: string): string | null } };
}

function isKitHttpError(error: unknown): error is KitHttpError {
  const shape = error as Partial<KitHttpError> | null;
  return typeof shape === 'object' && shape !== null && typeof shape.response?.status === 'number';
}

export interface ErrorContext {
  operation: string;
  integrationId: string;
  /** A versioned update: a 412 means the version changed, not several matches. */
  versioned: boolean;
  /** The per-request timeout fired. */
  timedOut: boolean;
  now?: number;
}

/**
 * fhir-kit-client's and fetch's failures as a `FhirOperationError`; anything else (a programming
 * error, the caller's abort) is returned as it is.
 */
export function toFhirOperationError(error: unknown, context: ErrorContext): unknown {
  const base = { operation: context.operation, integrationId: context.integrationId };
  if (error instanceof FhirOperationError) return error;
  if (context.timedOut) return new FhirOperationError({ ...base, kind: 'timeout' });
  if (isKitHttpError(error)) {
    const { status, data } = error.response;
    const outcome = isOperationOutcome(data) ? data : undefined;
    const retryAfterMs = parseRetryAfter(error.config.headers?.get?.('retry-after'), context.now);
    return new FhirOperationError({
      ...base,
      kind: kindOf(status, context.versioned),
      status,
      outcome,
      retryAfterMs,
    });
  }
  const code = networkCode(error);
  if (code !== undefined) return new FhirOperationError({ ...base, kind: 'network', code });
  return error;
}

function kindOf(status: number, versioned: boolean): FhirErrorKind {
  if (status === 409) return 'conflict';
  if (status === 412) return versioned ? 'conflict' : 'multiple-matches';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 408) return 'timeout';
  if (status === 429) return 'throttled';
  if (status >= 500 && status !== 501 && status !== 505) return 'server-error';
  if (status >= 400) return 'rejected';
  // 2xx with a body that is not JSON, or 3xx (redirects are not followed).
  return 'invalid-response';
}

/**
 * fetch rejects with `TypeError('fetch failed')` whose cause (or its first aggregated error) has
 * the code. By name, not `instanceof`: fetch's errors may come from another realm (Jest's sandbox).
 */
function networkCode(error: unknown): string | undefined {
  if ((error as { name?: unknown } | null)?.name !== 'TypeError') return undefined;
  const cause = (error as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } }).cause;
  if (cause === undefined) return undefined;
  const code = cause.code ?? cause.errors?.[0]?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}
