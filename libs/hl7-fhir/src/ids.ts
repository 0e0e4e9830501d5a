import { createHash } from 'node:crypto';

/** Namespace of every id this library derives (a fixed random UUID: changing it changes every id). */
export const MERIDIAN_HL7_FHIR_NAMESPACE = '5b0c1d7e-3f4a-4e21-9a53-6c2f1b8d7e90';

const namespaceBytes = Buffer.from(MERIDIAN_HL7_FHIR_NAMESPACE.replace(/-/g, ''), 'hex');

/** RFC 9562 UUID version 5 (SHA-1, name-based) of `name` in `namespace` (default: ours). */
export function uuidV5(name: string, namespace: Buffer = namespaceBytes): string {
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Parts are joined with a unit separator, which no HL7 value or URI contains, so keys cannot collide. */
export function deterministicId(scope: string, resourceType: string, key: string): string {
  return uuidV5(`${scope}\u001f${resourceType}\u001f${key}`);
}
