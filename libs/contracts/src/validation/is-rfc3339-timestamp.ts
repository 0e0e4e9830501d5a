import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';
import { isRfc3339 } from '../envelope/rfc3339';

/**
 * RFC 3339 date-time, by the same rule as `ce_time`. class-validator's own IsRFC3339 checks the
 * pattern only and lets 2025-02-30 through.
 */
export function IsRfc3339Timestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRfc3339',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isRfc3339(value),
        defaultMessage: buildMessage((each) => `${each}$property must be an RFC 3339 timestamp`, options),
      },
    },
    options,
  );
}
