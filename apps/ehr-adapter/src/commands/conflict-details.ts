import type { ConflictingResource, FhirBundlePayload } from '@meridian/contracts';
import { FhirOperationError, type FhirClient, type FhirResource } from '@meridian/fhir';

/** `Type/id` at the end of a request URL (relative, or absolute on the server's base). */
const TARGET = /(?:^|\/)([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})\/?$/;
/** `W/"3"` or `"3"` (RFC 9110 entity tag, weak or strong), or a bare version. */
const ETAG = /^(?:W\/)?"?([A-Za-z0-9\-.]{1,64})"?$/;

/** What an entry's `If-Match` expected of which resource. */
export interface VersionedTarget {
  type: string;
  id: string;
  expectedVersion: string;
}

/**
 * The entries of a command that carried an `If-Match`, with the resource each names: the request
 * URL's `Type/id` (a versioned update targets one resource by id), else the entry resource's type and
 * id. Entries whose target cannot be named are left out: nothing can be re-read for them.
 */
export function versionedTargets(bundle: FhirBundlePayload): VersionedTarget[] {
  const targets: VersionedTarget[] = [];
  for (const entry of bundle.entry) {
    const request = entry.request as { url?: unknown; ifMatch?: unknown } | undefined;
    if (typeof request?.ifMatch !== 'string') continue;
    const version = ETAG.exec(request.ifMatch.trim())?.[1];
    if (version === undefined) continue;
    const path = typeof request.url === 'string' ? request.url.split(/[?#]/)[0] : '';
    const byUrl = TARGET.exec(path);
    const type = byUrl?.[1] ?? entry.resource?.resourceType;
    const id = byUrl?.[2] ?? entry.resource?.id;
    if (type === undefined || id === undefined || !TARGET.test(`${type}/${id}`)) continue;
    targets.push({ type, id, expectedVersion: version });
  }
  return targets;
}

/**
 * After a `conflict`: re-reads every resource an `If-Match` named and reports those whose version on
 * the server is no longer the expected one, with the server's resource as it is now, so the
 * orchestrator can resolve without a round trip. A resource that is gone (404, 410) is reported
 * without a current version. Other read failures propagate: the command is then retried like any
 * command the server could not answer (it conflicts again, and the reads are tried again).
 * Undefined when no entry carried an `If-Match`.
 */
export async function conflictingResources(
  bundle: FhirBundlePayload,
  read: (type: string, id: string) => Promise<FhirResource>,
): Promise<ConflictingResource[] | undefined> {
  const targets = versionedTargets(bundle);
  if (targets.length === 0) return undefined;
  const conflicts: ConflictingResource[] = [];
  for (const target of targets) {
    const reference = `${target.type}/${target.id}`;
    let current: FhirResource | undefined;
    try {
      current = await read(target.type, target.id);
    } catch (error) {
      if (!isGone(error)) throw error;
    }
    const currentVersion = current?.meta?.versionId;
    if (current !== undefined && currentVersion === target.expectedVersion) continue;
    conflicts.push({
      reference,
      expectedVersion: target.expectedVersion,
      ...(currentVersion !== undefined ? { currentVersion } : {}),
      ...(current !== undefined ? { resource: current as Record<string, unknown> } : {}),
    });
  }
  return conflicts;
}

/** The client's `read`, for `conflictingResources`. */
export const readWith =
  (client: FhirClient) =>
  (type: string, id: string): Promise<FhirResource> =>
    client.read(type, id);

function isGone(error: unknown): boolean {
  return error instanceof FhirOperationError && (error.status === 404 || error.status === 410);
}
