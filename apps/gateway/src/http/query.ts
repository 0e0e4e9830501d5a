/**
 * Small parsers for request headers and query strings, shared by the gateway's controllers so every
 * list and every conditional write reads its parameters the same way.
 */

import { BadRequestException } from '@nestjs/common';

/**
 * `If-Match: "3"` (also W/"3" or a bare 3) → 3; `*` or no header → undefined (any version). Anything
 * else (`"-1"`, `"1", "2"`, `"abc"`, an empty value) is a 400: taken as absent, it let a PUT overwrite
 * a version its sender never saw.
 */
export function versionOf(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined) return undefined;
  const value = ifMatch.trim();
  if (value === '*') return undefined;
  const match = /^(?:(?:W\/)?"(\d+)"|(\d+))$/.exec(value);
  const version = match ? Number(match[1] ?? match[2]) : Number.NaN;
  if (!Number.isSafeInteger(version)) {
    throw new BadRequestException([
      'If-Match: must be the ETag of one version, as returned (e.g. "3"), or *',
    ]);
  }
  return version;
}

/** A non-negative integer from a query string, capped at `max`; absent or not a number → `fallback`. */
export function bounded(value: string | undefined, fallback: number, max: number): number {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? Math.min(n, max) : fallback;
}

/** `?limit=` of a list: 1–500, default 100. */
export function limitOf(value: string | undefined): number {
  return Math.max(1, bounded(value, 100, 500));
}

/** `?offset=` of a list: 0 or more, default 0. */
export function offsetOf(value: string | undefined): number {
  return bounded(value, 0, Number.MAX_SAFE_INTEGER);
}

/**
 * An RFC 3339 time (already checked with `isRfc3339`) as a Date. A leap second (`23:59:60`), which
 * RFC 3339 allows and JavaScript cannot read, is the second after `:59`, as Postgres reads it: taken
 * as an invalid Date it reached the query and came back as a 500.
 */
export function instantOf(rfc3339: string): Date {
  const leap = /^(.+T\d\d:\d\d):60(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.exec(rfc3339);
  if (!leap) return new Date(rfc3339);
  return new Date(Date.parse(`${leap[1]}:59${leap[2] ?? ''}${leap[3]}`) + 1000);
}
