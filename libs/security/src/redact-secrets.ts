/** What a redacted value reads as. */
export const REDACTED = '[redacted]';

function redactAt(node: unknown, segments: readonly string[], replacement: unknown): unknown {
  if (segments.length === 0) return replacement;
  if (node === null || typeof node !== 'object') return node;
  const [head, ...rest] = segments;
  const copy = (Array.isArray(node) ? [...node] : { ...node }) as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(copy) : Object.hasOwn(copy, head) ? [head] : [];
  for (const key of keys) copy[key] = redactAt(copy[key], rest, replacement);
  return copy;
}

/**
 * A copy of `value` with the values at `paths` replaced by `replacement`, e.g. for an API response
 * that shows an integration's configuration but not its credentials. A path is dot-separated
 * property names (array indexes are names too); `*` stands for every property or element at its
 * level. Paths that are not there are ignored, and nothing is added. Only the objects and arrays
 * along a redacted path are copied; the input is never changed.
 */
export function redactSecrets<T>(value: T, paths: readonly string[], replacement: unknown = REDACTED): T {
  return paths.reduce<unknown>((node, path) => redactAt(node, path.split('.'), replacement), value) as T;
}
