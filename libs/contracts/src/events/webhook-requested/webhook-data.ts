import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';

/** Standard Webhooks message ids: the same on every retry, so partners can dedupe on it. */
export const WEBHOOK_ID_PATTERN = /^msg_[A-Za-z0-9_-]+$/;

/** A webhook's `data` is thin (ids and references, not records): at most this many bytes as JSON. */
export const WEBHOOK_DATA_MAX_BYTES = 20 * 1024;

/** A JSON object (not an array) whose compact serialisation fits `WEBHOOK_DATA_MAX_BYTES`. */
export function IsWebhookData(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isWebhookData',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Buffer.byteLength(JSON.stringify(value), 'utf8') <= WEBHOOK_DATA_MAX_BYTES,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a JSON object of at most ${WEBHOOK_DATA_MAX_BYTES} bytes`,
          options,
        ),
      },
    },
    options,
  );
}
