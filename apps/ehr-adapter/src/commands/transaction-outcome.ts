import type { ErrorSummary, FhirBundlePayload } from '@meridian/contracts';
import { FhirOperationError, type Bundle } from '@meridian/fhir';

const LOCATION =
  /(?:^|\/)([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?\/?$/;

/**
 * The references a transaction-response names, in entry order: each entry's `response.location`
 * as a relative `Type/id/_history/version` (or `Type/id` when the server gave no version). The
 * server's base URL is dropped (it is the integration's, not an id); the version is kept, so an
 * update can later say `If-Match` with it. Entries without a location (reads, deletes) are skipped.
 */
export function transactionReferences(response: Bundle): string[] {
  const references: string[] = [];
  for (const entry of response.entry ?? []) {
    const location = (entry.response as { location?: unknown } | undefined)?.location;
    if (typeof location !== 'string') continue;
    const path = location.split(/[?#]/)[0];
    const match = LOCATION.exec(path);
    if (!match) continue;
    const [, type, id, version] = match;
    references.push(version === undefined ? `${type}/${id}` : `${type}/${id}/_history/${version}`);
  }
  return references;
}

/**
 * Whether sending the Bundle twice does no harm, so the client may retry it after a failure that
 * may have reached the server: every write is a conditional create (`ifNoneExist`), a PUT (to an
 * id or conditional), or a DELETE. A plain POST would create a second resource on a repeat.
 */
export function isIdempotent(bundle: FhirBundlePayload): boolean {
  return bundle.entry.every((entry) => {
    const request = entry.request as { method?: string; ifNoneExist?: unknown } | undefined;
    if (request === undefined) return false;
    if (request.method === 'POST')
      return typeof request.ifNoneExist === 'string' && request.ifNoneExist !== '';
    return request.method !== 'PATCH';
  });
}

/**
 * Failures that answer the command: the server understood it and said no, and will again.
 * - `conflict`: 409, or 412 to an `If-Match` (the resource changed since the version we knew);
 *   the orchestrator decides (re-read, its conflict resolution), so it must hear of it.
 * - `multiple-matches`: a conditional request matched several resources: someone must merge them.
 * - `rejected` with an OperationOutcome: the server's FHIR logic refused this request (invalid
 *   resource, unknown reference …).
 * A `rejected` without an OperationOutcome (a proxy's 404 page, a wrong base path) and
 * `unauthorized` are the integration's configuration, not the command: those are dead-lettered, to
 * be redriven once it is fixed.
 */
export function answersCommand(error: unknown): error is FhirOperationError {
  if (!(error instanceof FhirOperationError)) return false;
  if (error.kind === 'conflict' || error.kind === 'multiple-matches') return true;
  return error.kind === 'rejected' && error.outcome !== undefined;
}

/**
 * PHI-free: `class` is the FHIR error kind (`conflict`, `multiple-matches`, `rejected`, …) or the
 * error's class name; `message` is ours (operation, integration, HTTP status, kind, issue codes).
 */
export function errorSummary(error: unknown, message: string, retryable: boolean): ErrorSummary {
  const kind = error instanceof FhirOperationError ? error.kind : undefined;
  const name = error instanceof Error ? error.name || 'Error' : typeof error;
  return { class: kind ?? name, message, retryable };
}
