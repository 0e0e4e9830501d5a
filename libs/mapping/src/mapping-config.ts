import { JsonObject, JsonPrimitive, JsonValue } from './json-value';
import { LookupTableConfig } from './lookup-table';

/**
 * A mapping from one JSON document to another, stored per integration as plain JSON and checked by
 * `compileMapping` when it is loaded. Fields map first, in order; then the rules run, in order, each
 * seeing the output built so far. The README has the full reference with examples.
 */
export interface MappingConfig {
  /** The config format; 1 if left out. */
  version?: 1;
  fields?: FieldMapping[];
  rules?: Rule[];
  lookupTables?: Record<string, LookupTableConfig>;
}

export const VALUE_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'dateTime'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/** A transform by name, or with arguments: `"trim"`, `{ "name": "round", "args": [2] }`. */
export type TransformStep = string | { name: string; args?: JsonValue[] };

/** Checks on the final value; each failure is an issue naming the check. */
export interface ValidationSpec {
  /** Regular expression the string must match (searched: anchor with ^…$); linear-time engine. */
  pattern?: string;
  /** Inclusive bounds for numbers. */
  min?: number;
  max?: number;
  /** Length bounds for strings (characters) and arrays (items). */
  minLength?: number;
  maxLength?: number;
  /** Allowed values. */
  enum?: JsonPrimitive[];
}

/**
 * What happens to a value between reading and writing, in this order: absent values (missing, null,
 * "") are normalised to missing; `transform` steps run in order; `default` fills a missing result;
 * `required` reports one that is still missing; `type` converts; `validate` checks.
 */
export interface ValueOptions {
  transform?: TransformStep | TransformStep[];
  required?: boolean;
  default?: JsonValue;
  type?: ValueType;
  validate?: ValidationSpec;
}

export interface FieldMapping extends ValueOptions {
  /** Where to read in the input; with several paths, the first that holds a value. */
  source: string | string[];
  /** Where to write in the output. */
  target: string;
  /** Free text for people reading the config. */
  description?: string;
}

export interface RuleBase {
  /** Unique within the config; issues name it. */
  name: string;
  /** A JSONata condition over the input (`$output`, `$context` bound); the rule runs only when true. */
  when?: string;
  description?: string;
}

/** Field mappings that apply only when `when` holds. */
export interface MapRule extends RuleBase {
  action: 'map';
  fields: FieldMapping[];
}

/** A value computed by a JSONata expression, then treated like a mapped value. */
export interface CalculateRule extends RuleBase, ValueOptions {
  action: 'calculate';
  expression: string;
  target: string;
}

/** A code translated through a lookup table. */
export interface LookupRule extends RuleBase {
  action: 'lookup';
  source: string;
  /** Read `source` from the input (default) or from the output built so far. */
  from?: 'input' | 'output';
  table: string;
  target: string;
  /**
   * A code with no entry (and a table without `default`): `error` (default) or `warn` report it and
   * write nothing; `ignore` writes nothing; `passthrough` writes the code unchanged.
   */
  onMissing?: 'error' | 'warn' | 'ignore' | 'passthrough';
  /** Report a missing source code. */
  required?: boolean;
}

/**
 * Checks on the result. With `target`, the value there in the output is checked (`required`,
 * `validate`); with `expression`, a JSONata condition over the input (`$output` bound) must be true.
 */
export interface ValidateRule extends RuleBase {
  action: 'validate';
  target?: string;
  required?: boolean;
  validate?: ValidationSpec;
  expression?: string;
  /** Message for a failed `expression` (config text: never put data in it). */
  message?: string;
  /** `error` (default) or `warning`. */
  severity?: 'error' | 'warning';
}

/** Constant values written into the output (codes, systems, the source system's name). */
export interface EnrichRule extends RuleBase {
  action: 'enrich';
  /** Output path → value. */
  set: Record<string, JsonValue>;
  /** Replace values already there (default true); false only fills gaps. */
  overwrite?: boolean;
}

export type Rule = MapRule | CalculateRule | LookupRule | ValidateRule | EnrichRule;
export type RuleAction = Rule['action'];
export const RULE_ACTIONS: readonly RuleAction[] = ['map', 'calculate', 'lookup', 'validate', 'enrich'];

/** Per-call values for expressions, bound as `$context` (integration id, facility code…). */
export type MappingContext = JsonObject;
