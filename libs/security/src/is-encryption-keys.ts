import { ValidateBy, type ValidationOptions } from 'class-validator';
import { EncryptionKeyError, parseEncryptionKeys } from './cipher-suite';

function problems(value: unknown): readonly string[] {
  if (typeof value !== 'string') return ['expected <keyId>:<base64 key>,…'];
  try {
    parseEncryptionKeys(value);
    return [];
  } catch (error) {
    if (error instanceof EncryptionKeyError) return error.problems;
    throw error;
  }
}

/**
 * For a settings class: the property must be a key ring `parseEncryptionKeys` accepts. The message
 * lists every problem (never key material), so it joins the one start-up error that names every bad
 * variable.
 */
export function IsEncryptionKeys(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEncryptionKeys',
      validator: {
        validate: (value) => problems(value).length === 0,
        defaultMessage: (args) => `${args?.property ?? 'value'}: ${problems(args?.value).join('; ')}`,
      },
    },
    options,
  );
}
