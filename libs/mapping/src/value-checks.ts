import { formatIso, formatIsoDate, parseDateTime } from './date-time';
import { describeKind, JsonPrimitive, JsonValue } from './json-value';
import { ValueType } from './mapping-config';
import { SafePattern } from './safe-pattern';
import { expected, fail, ok, TransformOutcome } from './transform-definition';
import { toBoolean, toNumber } from './value-transforms';

/**
 * Converts a value to a field's declared type; arrays are converted item by item.
 * `date` keeps the date part at its precision (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`), as FHIR `date` does;
 * `dateTime` keeps everything (FHIR `dateTime`). Both read every form `date_to_iso` reads.
 */
export function convertType(value: JsonValue, type: ValueType): TransformOutcome {
  if (Array.isArray(value)) {
    const converted: JsonValue[] = [];
    for (const [index, item] of value.entries()) {
      const outcome = item === null ? ok(null) : convertType(item, type);
      if (!outcome.ok) return fail(`item ${index}: ${outcome.reason}`);
      converted.push(outcome.value ?? null);
    }
    return ok(converted);
  }
  switch (type) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? ok(String(value))
        : expected('a string, number or boolean', value);
    case 'number': {
      const number = toNumber(value);
      return number === undefined
        ? fail(`expects a number, got ${describeKind(value)} that is not one`)
        : ok(number);
    }
    case 'integer': {
      const number = toNumber(value);
      if (number === undefined) {
        return fail(`expects an integer, got ${describeKind(value)} that is not a number`);
      }
      return Number.isInteger(number) ? ok(number) : fail('expects an integer, got a fractional number');
    }
    case 'boolean': {
      const boolean = toBoolean(value);
      return boolean === undefined
        ? fail(`expects a boolean, got ${describeKind(value)} that is not one`)
        : ok(boolean);
    }
    case 'date':
    case 'dateTime': {
      const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
      if (typeof text !== 'string') return expected('a date string', value);
      const parsed = parseDateTime(text);
      if (!parsed.ok) return fail(parsed.reason);
      return ok(type === 'date' ? formatIsoDate(parsed.value) : formatIso(parsed.value));
    }
  }
}

/** A `ValidationSpec` with its pattern compiled. */
export interface CompiledValidation {
  readonly pattern?: SafePattern;
  readonly min?: number;
  readonly max?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly enum?: readonly JsonPrimitive[];
}

export interface FailedCheck {
  readonly check: 'pattern' | 'min' | 'max' | 'minLength' | 'maxLength' | 'enum';
  readonly message: string;
}

/** Every check the value fails (none: valid). Messages state the rule, not the value. */
export function validateValue(value: JsonValue, spec: CompiledValidation): FailedCheck[] {
  const failed: FailedCheck[] = [];
  if (spec.pattern !== undefined) {
    if (typeof value !== 'string') {
      failed.push({ check: 'pattern', message: `pattern needs a string, got ${describeKind(value)}` });
    } else if (!spec.pattern.test(value)) {
      failed.push({ check: 'pattern', message: 'value does not match the pattern' });
    }
  }
  for (const check of ['min', 'max'] as const) {
    const bound = spec[check];
    if (bound === undefined) continue;
    if (typeof value !== 'number') {
      failed.push({ check, message: `${check} needs a number, got ${describeKind(value)}` });
    } else if (check === 'min' ? value < bound : value > bound) {
      failed.push({
        check,
        message: `value is ${check === 'min' ? 'below the minimum' : 'above the maximum'} ${bound}`,
      });
    }
  }
  for (const check of ['minLength', 'maxLength'] as const) {
    const bound = spec[check];
    if (bound === undefined) continue;
    const length =
      typeof value === 'string' ? Array.from(value).length : Array.isArray(value) ? value.length : undefined;
    if (length === undefined) {
      failed.push({ check, message: `${check} needs a string or an array, got ${describeKind(value)}` });
    } else if (check === 'minLength' ? length < bound : length > bound) {
      failed.push({
        check,
        message: `value is ${check === 'minLength' ? 'shorter' : 'longer'} than ${bound}`,
      });
    }
  }
  if (spec.enum !== undefined && !spec.enum.includes(value as JsonPrimitive)) {
    failed.push({ check: 'enum', message: 'value is not one of the allowed values' });
  }
  return failed;
}
