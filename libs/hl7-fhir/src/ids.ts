import { hash } from 'node:crypto';

/** Namespace of every id this library derives (a fixed random UUID: changing it changes every id). */
export const MERIDIAN_HL7_FHIR_NAMESPACE = '5b0c1d7e-3f4a-4e21-9a53-6c2f1b8d7e90';

const namespaceBytes = Buffer.from(MERIDIAN_HL7_FHIR_NAMESPACE.replace(/-/g, ''), 'hex');

/** RFC 9562 UUID version 5 (SHA-1, name-based) of `name` in `namespace` (default: ours). */
export function uuidV5(name: string, namespace: Buffer = namespaceBytes): string {
  const data = Buffer.allocUnsafe(namespace.length + Buffer.byteLength(name, 'utf8'));
  namespace.copy(data, 0);
  data.write(name, namespace.length, 'utf8');
  const hex = hash('sha1', data, 'hex');
  // Version 5 in the high nibble of byte 6, RFC variant (10xx) in the high bits of byte 8.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Parts are joined with a unit separator, which no HL7 value or URI contains, so keys cannot collide. */
export function deterministicId(scope: string, resourceType: string, key: string): string {
  return uuidV5(`${scope}\u001f${resourceType}\u001f${key}`);
}
