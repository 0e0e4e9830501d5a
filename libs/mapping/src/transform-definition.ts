import { describeKind, isJsonObject, JsonValue } from './json-value';
import { LookupTable } from './lookup-table';

export type ParamType = 'string' | 'integer' | 'number' | 'boolean' | 'json' | 'table';

export interface TransformParam {
  readonly name: string;
  readonly type: ParamType;
  readonly optional?: boolean;
  readonly oneOf?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** For strings: the exact length. */
  readonly length?: number;
  /** For strings: a shape (our own patterns, never a config's). */
  readonly pattern?: { readonly regex: RegExp; readonly description: string };
}

/**
 * What a transform gives back: a value (undefined: nothing), or why the input was unusable. A reason
 * describes the input's kind or shape and never contains the input, which may be PHI.
 */
export type TransformOutcome = { ok: true; value: JsonValue | undefined } | { ok: false; reason: string };

export interface TransformEnvironment {
  table(name: string): LookupTable | undefined;
}

export interface TransformDefinition {
  readonly name: string;
  /** One line for the README and the management API. */
  readonly summary: string;
  readonly params: readonly TransformParam[];
  /** The last parameter repeats (`concat`). */
  readonly variadic?: boolean;
  /** Given an array, the transform applies to each element (scalar transforms do). */
  readonly elementwise: boolean;
  /** Called for absent input (undefined or null) too; other transforms pass absence through. */
  readonly handlesAbsent?: boolean;
  apply(
    value: JsonValue | undefined,
    args: readonly JsonValue[],
    environment: TransformEnvironment,
  ): TransformOutcome;
}

export const ok = (value: JsonValue | undefined): TransformOutcome => ({ ok: true, value });
export const fail = (reason: string): TransformOutcome => ({ ok: false, reason });
export const expected = (what: string, value: unknown): TransformOutcome =>
  fail(`expects ${what}, got ${describeKind(value)}`);

/** Runs one transform: absent input passes through, arrays are mapped for element-wise transforms. */
export function runTransform(
  definition: TransformDefinition,
  value: JsonValue | undefined,
  args: readonly JsonValue[],
  environment: TransformEnvironment,
): TransformOutcome {
  if ((value === undefined || value === null) && !definition.handlesAbsent) return ok(undefined);
  if (Array.isArray(value) && definition.elementwise) {
    const results: JsonValue[] = [];
    for (let index = 0; index < value.length; index++) {
      const element = value[index];
      const outcome =
        element === null && !definition.handlesAbsent
          ? ok(null)
          : definition.apply(element, args, environment);
      if (!outcome.ok) return fail(`element ${index}: ${outcome.reason}`);
      results.push(outcome.value === undefined ? null : outcome.value);
    }
    return ok(results);
  }
  return definition.apply(value, args, environment);
}

/**
 * Checks a transform's arguments against its parameters; returns one message per problem, each
 * prefixed with the argument's position (`args[1]: ...`) or none for arity.
 */
export function checkTransformArgs(
  definition: TransformDefinition,
  args: readonly unknown[],
  tableExists: (name: string) => boolean,
): string[] {
  const { params } = definition;
  const required = params.filter((param) => !param.optional).length;
  if (args.length < required) {
    return [`${definition.name} needs at least ${required} argument${required === 1 ? '' : 's'}`];
  }
  if (!definition.variadic && args.length > params.length) {
    return [`${definition.name} takes at most ${params.length} argument${params.length === 1 ? '' : 's'}`];
  }
  const problems: string[] = [];
  args.forEach((arg, index) => {
    const param = params[Math.min(index, params.length - 1)];
    const problem = checkArg(param, arg, tableExists);
    if (problem !== undefined) problems.push(`args[${index}]: ${definition.name} ${param.name} ${problem}`);
  });
  return problems;
}

function checkArg(
  param: TransformParam,
  arg: unknown,
  tableExists: (name: string) => boolean,
): string | undefined {
  if (param.optional && arg === null) return undefined; // null = "use the default", so later args can be given
  switch (param.type) {
    case 'string':
      if (typeof arg !== 'string') return 'must be a string';
      if (param.oneOf !== undefined && !param.oneOf.includes(arg)) {
        return `must be one of ${param.oneOf.map((option) => JSON.stringify(option)).join(', ')}`;
      }
      if (param.length !== undefined && arg.length !== param.length) {
        return `must be ${param.length} character${param.length === 1 ? '' : 's'} long`;
      }
      if (param.min !== undefined && arg.length < param.min) {
        return `must be at least ${param.min} characters long`;
      }
      if (param.pattern !== undefined && !param.pattern.regex.test(arg)) {
        return `must be ${param.pattern.description}`;
      }
      return undefined;
    case 'integer':
    case 'number':
      if (typeof arg !== 'number' || !Number.isFinite(arg)) return 'must be a number';
      if (param.type === 'integer' && !Number.isInteger(arg)) return 'must be an integer';
      if (param.min !== undefined && arg < param.min) return `must be at least ${param.min}`;
      if (param.max !== undefined && arg > param.max) return `must be at most ${param.max}`;
      return undefined;
    case 'boolean':
      return typeof arg === 'boolean' ? undefined : 'must be true or false';
    case 'json':
      return isJsonValue(arg) ? undefined : 'must be a JSON value';
    case 'table':
      if (typeof arg !== 'string') return 'must be the name of a lookup table';
      return tableExists(arg) ? undefined : `names unknown lookup table "${arg}"`;
  }
}

function isJsonValue(value: unknown, depth = 0): boolean {
  if (depth > 100) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  return isJsonObject(value) && Object.values(value).every((item) => isJsonValue(item, depth + 1));
}

/** An optional argument, or its default when left out or given as null. */
export function argOr<T extends JsonValue>(args: readonly JsonValue[], index: number, fallback: T): T {
  const arg = args[index];
  return arg === undefined || arg === null ? fallback : (arg as T);
}
