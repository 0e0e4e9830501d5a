/** A value that survives `JSON.stringify` / `JSON.parse` unchanged: what configs and payloads hold. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Nesting deeper than this is refused when copying. Payloads from JSON.parse can be arbitrarily deep;
 * a recursive copy of such a value would overflow the stack instead of reporting a problem.
 */
export const MAX_JSON_DEPTH = 200;

export function isJsonObject(value: unknown): value is JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Absent values are not written and count as missing for `required`: undefined, null and ''. */
export function isAbsent(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}

export type JsonCopy = { ok: true; value: JsonValue | undefined } | { ok: false; reason: string };

/**
 * Copies a value into fresh plain JSON (arrays and plain objects, finite numbers), or says why it
 * cannot. Used for everything written to an output, so the output never shares objects with the
 * input, and for expression results (jsonata sequences are arrays with extra properties).
 * Reasons name the kind of value, never the value itself.
 */
export function copyJson(value: unknown): JsonCopy {
  try {
    return { ok: true, value: copy(value, 0) };
  } catch (error) {
    if (error instanceof NotJson) return { ok: false, reason: error.message };
    throw error;
  }
}

class NotJson extends Error {}

function copy(value: unknown, depth: number): JsonValue | undefined {
  if (depth > MAX_JSON_DEPTH) throw new NotJson(`value is nested deeper than ${MAX_JSON_DEPTH} levels`);
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new NotJson('value is a number that JSON cannot hold (NaN or infinite)');
      }
      return value;
    case 'object':
      break;
    default:
      throw new NotJson(`value is a ${typeof value}, not JSON`);
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    const result: JsonValue[] = [];
    for (const item of value) {
      const copied = copy(item, depth + 1);
      // JSON.stringify writes undefined array items as null; do the same.
      result.push(copied === undefined ? null : copied);
    }
    return result;
  }
  if (!isJsonObject(value)) throw new NotJson('value is an object that is not plain JSON');
  const result: JsonObject = {};
  for (const key of Object.keys(value)) {
    const copied = copy(value[key], depth + 1);
    if (copied !== undefined) setOwn(result, key, copied);
  }
  return result;
}

/**
 * Sets an own data property. Plain assignment of a key named `__proto__` would replace the object's
 * prototype instead; JSON.parse creates such keys as ordinary properties, and so does this.
 */
export function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

export function hasOwn(target: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(target, key);
}

/** The kind of a value, for messages that must not quote the value. */
export function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
