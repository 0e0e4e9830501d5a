import { ValidateBy, type ValidationOptions } from 'class-validator';
import { parseAllowList } from './url-guard';

function problem(property: string, value: unknown): string | undefined {
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) {
    return `${property} must be comma-separated host names, IP addresses or CIDR blocks`;
  }
  try {
    parseAllowList(value as string[]);
    return undefined;
  } catch (error) {
    return `${property}: ${(error as Error).message}`;
  }
}

/**
 * For a settings class: every entry of the (already split) list must be a host name, an IP address
 * or a CIDR block `parseAllowList` accepts, so a typo stops the service at start-up.
 */
export function IsAllowList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAllowList',
      validator: {
        validate: (value, args) => problem(args?.property ?? 'value', value) === undefined,
        defaultMessage: (args) =>
          problem(args?.property ?? 'value', args?.value) ?? `${args?.property ?? 'value'} is invalid`,
      },
    },
    options,
  );
}
