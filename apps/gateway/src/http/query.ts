/**
 * Small parsers for request headers and query strings, shared by the gateway's controllers so every
 * list and every conditional write reads its parameters the same way.
 */

/** `If-Match: "3"` (or W/"3") → 3; anything else is ignored as absent. */
export function versionOf(ifMatch: string | undefined): number | undefined {
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(ifMatch?.trim() ?? '');
  return match ? Number(match[1]) : undefined;
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
