import { Transform } from 'class-transformer';

/**
 * Environment values are strings; these turn the common shapes into what a settings class validates.
 * Anything they do not recognise is passed on unchanged, for the validator to refuse with its message.
 */

/** `a, b,,c` → `['a', 'b', 'c']`: a comma-separated list, blanks dropped. */
export function CommaSeparated(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== '')
      : value,
  );
}

/** `true` / `1` → true, `false` / `0` → false. */
export function BooleanFlag(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value,
  );
}
