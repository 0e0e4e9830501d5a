import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import {
  createCipherSuite,
  DecryptionError,
  EncryptionKeyError,
  generateEncryptionKey,
  parseEncryptionKeys,
  type EncryptionKey,
} from './cipher-suite';

const k2025: EncryptionKey = { id: 'k2025', key: randomBytes(32) };
const k2026: EncryptionKey = { id: 'k2026', key: randomBytes(32) };
const credentials = { clientId: 'meridian', clientSecret: 's3cr3t-value', scopes: ['system/*.read'] };

const failure = (fn: () => unknown): DecryptionError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DecryptionError) return error;
    throw error;
  }
  throw new Error('did not throw');
};

/** The envelope with one base64url part replaced by the same bytes with one bit flipped. */
const flipBit = (envelope: string, part: number): string => {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[part], 'base64url');
  bytes[0] ^= 1;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
};

describe('createCipherSuite', () => {
  const suite = createCipherSuite([k2025], 'k2025');

  it('round-trips strings and objects, with and without AAD', () => {
    expect(suite.decrypt(suite.encrypt('pa55word'))).toBe('pa55word');
    expect(suite.decrypt(suite.encrypt(''))).toBe('');
    expect(suite.decrypt(suite.encrypt('Müller ✓ 東京'))).toBe('Müller ✓ 東京');
    const envelope = suite.encrypt(credentials, 'integration:42');
    expect(suite.decryptJson(envelope, 'integration:42')).toEqual(credentials);
  });

  it('writes v1.<keyId>.<iv>.<ciphertext>.<tag> with a 12-byte IV and a 16-byte tag, never the plaintext', () => {
    const envelope = suite.encrypt(credentials);
    const [version, keyId, iv, ciphertext, tag] = envelope.split('.');
    expect([version, keyId]).toEqual(['v1', 'k2025']);
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
    expect(Buffer.from(ciphertext, 'base64url')).toHaveLength(Buffer.byteLength(JSON.stringify(credentials)));
    expect(envelope).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(envelope).not.toContain('s3cr3t');
  });

  it('uses a fresh IV each time', () => {
    const a = suite.encrypt('same');
    const b = suite.encrypt('same');
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
  });

  it('binds an envelope to its owner: another AAD, or none, fails', () => {
    const envelope = suite.encrypt(credentials, 'integration:42');
    for (const aad of ['integration:43', '', undefined]) {
      const error = failure(() => suite.decrypt(envelope, aad));
      expect(error.reason).toBe('authentication-failed');
      expect(error.keyId).toBe('k2025');
    }
    expect(failure(() => suite.decrypt(suite.encrypt('x'), 'integration:42')).reason).toBe(
      'authentication-failed',
    );
  });

  it('detects tampering with the IV, the ciphertext or the tag', () => {
    const envelope = suite.encrypt(credentials, 'integration:42');
    for (const part of [2, 3, 4]) {
      expect(failure(() => suite.decrypt(flipBit(envelope, part), 'integration:42')).reason).toBe(
        'authentication-failed',
      );
    }
  });

  it('detects an envelope moved under another configured key id', () => {
    const suite2 = createCipherSuite([k2025, k2026], 'k2025');
    const moved = suite2.encrypt('secret').replace('.k2025.', '.k2026.');
    const error = failure(() => suite2.decrypt(moved));
    expect(error.reason).toBe('authentication-failed');
    expect(error.keyId).toBe('k2026');
  });

  it('refuses any edit of the envelope text, including non-canonical base64url', () => {
    const envelope = suite.encrypt('secret');
    const parts = envelope.split('.');
    const tagChars = parts[4];
    // The last character of 16 bytes in base64url carries 4 unused bits; a lenient decoder would accept the edit.
    const last = tagChars.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1];
    const edited = [...parts.slice(0, 4), tagChars.slice(0, -1) + sibling].join('.');
    expect(() => suite.decrypt(edited)).toThrow(DecryptionError);
  });

  it('refuses malformed envelopes without echoing them', () => {
    const envelope = suite.encrypt('secret');
    const parts = envelope.split('.');
    for (const bad of [
      '',
      'plaintext-password',
      `v2.${parts.slice(1).join('.')}`,
      parts.slice(0, 4).join('.'),
      `${envelope}.x`,
      [...parts.slice(0, 2), Buffer.alloc(8).toString('base64url'), ...parts.slice(3)].join('.'),
      [...parts.slice(0, 4), Buffer.alloc(12).toString('base64url')].join('.'),
      [...parts.slice(0, 3), `${parts[3]}+`, parts[4]].join('.'),
      [parts[0], 'bad key', ...parts.slice(2)].join('.'),
    ]) {
      const error = failure(() => suite.decrypt(bad));
      expect(error.reason).toBe('malformed');
      expect(error.message).not.toContain('plaintext-password');
    }
    expect(failure(() => suite.decrypt(42 as unknown as string)).reason).toBe('malformed');
  });

  it('names an unknown key id, never the content', () => {
    const other = createCipherSuite([{ id: 'kOld', key: randomBytes(32) }], 'kOld');
    const error = failure(() => suite.decrypt(other.encrypt(credentials)));
    expect(error).toMatchObject({ reason: 'unknown-key', keyId: 'kOld', name: 'DecryptionError' });
    expect(error.message).toBe('envelope is encrypted under key "kOld", which is not configured');
  });

  it('does not show key material when printed', () => {
    const printed = inspect(suite, { depth: 10 }) + JSON.stringify(suite);
    expect(printed).not.toContain(k2025.key.toString('base64'));
    expect(printed).not.toContain(k2025.key.toString('hex'));
    expect(suite.keyIds).toEqual(['k2025']);
  });

  it('keeps working if the caller later overwrites its key buffer', () => {
    const key = randomBytes(32);
    const own = createCipherSuite([{ id: 'k', key }], 'k');
    const envelope = own.encrypt('secret');
    key.fill(0);
    expect(own.decrypt(envelope)).toBe('secret');
  });

  it('throws on plaintext that has no JSON form', () => {
    expect(() => suite.encrypt((() => 1) as unknown as object)).toThrow(TypeError);
  });
});

describe('key rotation', () => {
  const before = createCipherSuite([k2025], 'k2025');
  const during = createCipherSuite([k2026, k2025], 'k2026');

  it('decrypts envelopes under the old key, encrypts under the new one', () => {
    const old = before.encrypt(credentials, 'integration:7');
    expect(during.decryptJson(old, 'integration:7')).toEqual(credentials);
    expect(during.encrypt('x').split('.')[1]).toBe('k2026');
  });

  it('says which envelopes need re-encryption and re-encrypts them, keeping the AAD binding', () => {
    const old = before.encrypt(credentials, 'integration:7');
    expect(during.needsReencryption(old)).toBe(true);
    const fresh = during.reencrypt(old, 'integration:7');
    expect(fresh.split('.')[1]).toBe('k2026');
    expect(during.needsReencryption(fresh)).toBe(false);
    expect(during.reencrypt(fresh, 'integration:7')).toBe(fresh);
    expect(during.decryptJson(fresh, 'integration:7')).toEqual(credentials);
    expect(failure(() => during.decrypt(fresh, 'integration:8')).reason).toBe('authentication-failed');
    expect(failure(() => during.reencrypt(old, 'integration:8')).reason).toBe('authentication-failed');
    expect(failure(() => during.needsReencryption('nonsense')).reason).toBe('malformed');
  });

  it('after the old key is removed, its envelopes fail by key id', () => {
    const after = createCipherSuite([k2026], 'k2026');
    const error = failure(() => after.decrypt(before.encrypt('x')));
    expect(error).toMatchObject({ reason: 'unknown-key', keyId: 'k2025' });
  });
});

describe('createCipherSuite configuration', () => {
  const problems = (fn: () => unknown): readonly string[] => {
    try {
      fn();
    } catch (error) {
      if (error instanceof EncryptionKeyError) return error.problems;
      throw error;
    }
    return [];
  };

  it('lists every problem at once', () => {
    expect(
      problems(() =>
        createCipherSuite(
          [
            { id: 'a.b', key: randomBytes(32) },
            { id: 'short', key: randomBytes(16) },
            { id: 'dup', key: randomBytes(32) },
            { id: 'dup', key: randomBytes(32) },
          ],
          'missing',
        ),
      ),
    ).toEqual([
      'key 1: id must be 1–32 of A–Z a–z 0–9 _ -',
      'key 2 ("short"): must be 32 bytes',
      'key 4: id "dup" appears twice',
      'the active key id is not one of the configured keys',
    ]);
    expect(problems(() => createCipherSuite([], 'x'))).toEqual(['no key configured']);
  });
});

describe('parseEncryptionKeys', () => {
  const a = generateEncryptionKey();
  const b = generateEncryptionKey();

  it('reads <keyId>:<base64>, comma-separated, spaces ignored', () => {
    const keys = parseEncryptionKeys(` k2026:${a} , k2025:${b},`);
    expect(keys.map((k) => k.id)).toEqual(['k2026', 'k2025']);
    expect(keys[0].key).toEqual(Buffer.from(a, 'base64'));
    expect(keys[0].key).toHaveLength(32);
    const suite = createCipherSuite(keys, 'k2026');
    expect(suite.decrypt(suite.encrypt('ok'))).toBe('ok');
  });

  it('names every bad entry by position and id, never quoting key material', () => {
    const short = randomBytes(16).toString('base64');
    const error = (() => {
      try {
        parseEncryptionKeys(
          [`k1:${a}`, `bad id:${b}`, `k3:${short}`, `k1:${b}`, a, 'k5:not*base64', `k6:${a}x`].join(','),
        );
      } catch (e) {
        return e as EncryptionKeyError;
      }
      throw new Error('did not throw');
    })();
    expect(error).toBeInstanceOf(EncryptionKeyError);
    expect(error.problems).toEqual([
      'entry 2: key id must be 1–32 of A–Z a–z 0–9 _ -',
      'entry 3 ("k3"): key must be standard base64 of exactly 32 bytes',
      'entry 4 ("k1"): key id appears twice',
      'entry 5: expected <keyId>:<base64 key>',
      'entry 6 ("k5"): key must be standard base64 of exactly 32 bytes',
      'entry 7 ("k6"): key must be standard base64 of exactly 32 bytes',
    ]);
    for (const secret of [a, b, short]) expect(error.message).not.toContain(secret.slice(0, 12));
  });

  it('refuses an empty or missing value', () => {
    expect(() => parseEncryptionKeys('')).toThrow('no key configured');
    expect(() => parseEncryptionKeys(undefined)).toThrow(EncryptionKeyError);
  });
});
