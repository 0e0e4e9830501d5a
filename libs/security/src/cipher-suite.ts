import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

export interface EncryptionKey {
  /** Written into every envelope; 1–32 of `A–Z a–z 0–9 _ -`. Not secret. */
  id: string;
  /** 32 random bytes (AES-256). */
  key: Buffer;
}

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
/** 96-bit random IVs, the GCM standard size; under one key stay well below 2^32 encryptions (NIST SP 800-38D). */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Why an envelope could not be opened. The message names the key id, never the content. */
export type DecryptionFailure = 'malformed' | 'unknown-key' | 'authentication-failed';

export class DecryptionError extends Error {
  constructor(
    readonly reason: DecryptionFailure,
    readonly keyId?: string,
  ) {
    super(
      reason === 'malformed'
        ? 'not an encrypted envelope (v1.<keyId>.<iv>.<ciphertext>.<tag>)'
        : reason === 'unknown-key'
          ? `envelope is encrypted under key "${keyId}", which is not configured`
          : `envelope under key "${keyId}" failed authentication (tampered, or bound to another owner)`,
    );
    this.name = 'DecryptionError';
  }
}

/** A key configuration problem; `problems` lists every one found, none quoting key material. */
export class EncryptionKeyError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`encryption keys: ${problems.join('; ')}`);
    this.name = 'EncryptionKeyError';
  }
}

/** AES-256-GCM with a key ring: encrypts under the active key, decrypts under any configured one. */
export interface CipherSuite {
  readonly activeKeyId: string;
  readonly keyIds: readonly string[];
  /**
   * `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts; a fresh random IV each time). An object
   * is encrypted as its JSON. `aad` binds the envelope to its owner (e.g. `integration:<id>`): the
   * same `aad` must be given to decrypt it.
   */
  encrypt(plaintext: string | object, aad?: string): string;
  /** Throws `DecryptionError` on a malformed envelope, an unknown key id, tampering or the wrong `aad`. */
  decrypt(envelope: string, aad?: string): string;
  /** `decrypt`, then `JSON.parse`. */
  decryptJson<T = unknown>(envelope: string, aad?: string): T;
  /** True when the envelope is under a key other than the active one. Throws on a malformed envelope. */
  needsReencryption(envelope: string): boolean;
  /** The same plaintext under the active key (the envelope itself when it already is). */
  reencrypt(envelope: string, aad?: string): string;
}

interface Envelope {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/** Strict base64url: only the canonical encoding decodes, so any edit to an envelope is caught. */
function decode(part: string): Buffer | undefined {
  if (!BASE64URL.test(part)) return undefined;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : undefined;
}

function parseEnvelope(envelope: string): Envelope {
  const parts = typeof envelope === 'string' ? envelope.split('.') : [];
  if (parts.length !== 5 || parts[0] !== VERSION || !KEY_ID.test(parts[1]))
    throw new DecryptionError('malformed');
  const [iv, ciphertext, tag] = parts.slice(2).map(decode);
  if (iv?.length !== IV_BYTES || ciphertext === undefined || tag?.length !== TAG_BYTES) {
    throw new DecryptionError('malformed', parts[1]);
  }
  return { keyId: parts[1], iv, ciphertext, tag };
}

/** The version and key id are authenticated with the caller's AAD; the key id has no dots, so this is unambiguous. */
const associatedData = (keyId: string, aad: string | undefined): Buffer =>
  Buffer.from(`${VERSION}.${keyId}.${aad ?? ''}`, 'utf8');

function keyProblems(keys: readonly EncryptionKey[], activeKeyId: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  keys.forEach(({ id, key }, index) => {
    if (!KEY_ID.test(id)) problems.push(`key ${index + 1}: id must be 1–32 of A–Z a–z 0–9 _ -`);
    else if (seen.has(id)) problems.push(`key ${index + 1}: id "${id}" appears twice`);
    seen.add(id);
    if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
      problems.push(`key ${index + 1}${KEY_ID.test(id) ? ` ("${id}")` : ''}: must be ${KEY_BYTES} bytes`);
    }
  });
  if (keys.length === 0) problems.push('no key configured');
  else if (!seen.has(activeKeyId)) problems.push('the active key id is not one of the configured keys');
  return problems;
}

/**
 * A cipher suite over `keys`, encrypting under `activeKeyId`. Throws `EncryptionKeyError` listing
 * every problem. Key material is copied into `KeyObject`s, which never print their contents.
 */
export function createCipherSuite(keys: readonly EncryptionKey[], activeKeyId: string): CipherSuite {
  const problems = keyProblems(keys, activeKeyId);
  if (problems.length > 0) throw new EncryptionKeyError(problems);
  const ring = new Map<string, KeyObject>(keys.map(({ id, key }) => [id, createSecretKey(Buffer.from(key))]));
  const activeKey = ring.get(activeKeyId) as KeyObject;

  const encrypt = (plaintext: string | object, aad?: string): string => {
    const text = typeof plaintext === 'string' ? plaintext : JSON.stringify(plaintext);
    if (typeof text !== 'string')
      throw new TypeError('plaintext must be a string or a JSON-serialisable object');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, activeKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(activeKeyId, aad));
    const ciphertext = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return [VERSION, activeKeyId, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  };

  const decrypt = (envelope: string, aad?: string): string => {
    const { keyId, iv, ciphertext, tag } = parseEnvelope(envelope);
    const key = ring.get(keyId);
    if (key === undefined) throw new DecryptionError('unknown-key', keyId);
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(keyId, aad));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new DecryptionError('authentication-failed', keyId);
    }
  };

  return {
    activeKeyId,
    keyIds: [...ring.keys()],
    encrypt,
    decrypt,
    decryptJson: <T>(envelope: string, aad?: string): T => JSON.parse(decrypt(envelope, aad)) as T,
    needsReencryption: (envelope) => parseEnvelope(envelope).keyId !== activeKeyId,
    reencrypt: (envelope, aad) =>
      parseEnvelope(envelope).keyId === activeKeyId ? envelope : encrypt(decrypt(envelope, aad), aad),
  };
}

/**
 * Parses a key ring from configuration: `<keyId>:<base64 of 32 bytes>` entries separated by commas
 * (spaces around entries ignored), e.g. `2026a:…,2025b:…`. Throws `EncryptionKeyError` listing every
 * bad entry by position and id; key material is never quoted.
 */
export function parseEncryptionKeys(value: string | undefined): EncryptionKey[] {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const problems: string[] = [];
  const keys: EncryptionKey[] = [];
  const seen = new Set<string>();
  if (entries.length === 0) problems.push('no key configured (expected <keyId>:<base64 key>,…)');
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    if (colon < 0) {
      problems.push(`entry ${index + 1}: expected <keyId>:<base64 key>`);
      return;
    }
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    const named = KEY_ID.test(id) ? `entry ${index + 1} ("${id}")` : `entry ${index + 1}`;
    if (!KEY_ID.test(id)) problems.push(`${named}: key id must be 1–32 of A–Z a–z 0–9 _ -`);
    else if (seen.has(id)) problems.push(`${named}: key id appears twice`);
    seen.add(id);
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
    if (key === undefined || key.length !== KEY_BYTES || key.toString('base64') !== encoded) {
      problems.push(`${named}: key must be standard base64 of exactly ${KEY_BYTES} bytes`);
      return;
    }
    keys.push({ id, key });
  });
  if (problems.length > 0) throw new EncryptionKeyError(problems);
  return keys;
}

/** A new key for `parseEncryptionKeys`: base64 of 32 random bytes. */
export const generateEncryptionKey = (): string => randomBytes(KEY_BYTES).toString('base64');
