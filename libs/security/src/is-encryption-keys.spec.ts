import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { generateEncryptionKey } from './cipher-suite';
import { IsEncryptionKeys } from './is-encryption-keys';

class Settings {
  @IsEncryptionKeys()
  CREDENTIALS_ENCRYPTION_KEYS?: string = undefined;
}

const messages = (value: unknown): string[] =>
  validateSync(plainToInstance(Settings, { CREDENTIALS_ENCRYPTION_KEYS: value })).flatMap((error) =>
    Object.values(error.constraints ?? {}),
  );

describe('IsEncryptionKeys', () => {
  it('accepts a key ring parseEncryptionKeys accepts', () => {
    expect(messages(`k1:${generateEncryptionKey()},k2:${generateEncryptionKey()}`)).toEqual([]);
  });

  it('names the variable and every problem, without key material', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    const result = messages(`k1:${short},k1:${generateEncryptionKey()}`);
    expect(result).toEqual([
      'CREDENTIALS_ENCRYPTION_KEYS: entry 1 ("k1"): key must be standard base64 of exactly 32 bytes; entry 2 ("k1"): key id appears twice',
    ]);
    expect(result.join()).not.toContain(short);
  });

  it('refuses a missing value or another type', () => {
    expect(messages(undefined)).toEqual(['CREDENTIALS_ENCRYPTION_KEYS: expected <keyId>:<base64 key>,…']);
    expect(messages(42)).toHaveLength(1);
  });
});
