/**
 * What went wrong (or is doubtful) in one mapping run. Issues are data, safe to log, return over the
 * API and put in a DLQ header: they name the config location, the target path, the rule and the
 * check, and describe values only by kind ("expects a string, got a number"), never by content.
 */
export interface MappingIssue {
  readonly severity: 'error' | 'warning';
  readonly code: MappingIssueCode;
  /** Where in the config: `fields[3]`, `fields[3].transform[1]`, `rules[2]`, `rules[0].fields[1]`. */
  readonly location: string;
  /** The output path concerned, when there is one. */
  readonly target?: string;
  /** The rule's name, for issues raised by a rule. */
  readonly rule?: string;
  /** The failed check: `required`, `pattern`, `min`…, a transform's name, `when`, `expression`, a type. */
  readonly check?: string;
  readonly message: string;
}

export type MappingIssueCode =
  /** The input is not a JSON object. */
  | 'invalid_input'
  /** A required value is missing. */
  | 'required'
  /** A transform could not use its input. */
  | 'transform_failed'
  /** The value could not be converted to the field's `type`. */
  | 'invalid_type'
  /** A `validate` check or a validate rule failed. */
  | 'validation_failed'
  /** A lookup rule found no entry for the code. */
  | 'lookup_missing'
  /** An expression failed, or gave something unusable (a condition that is not true/false). */
  | 'expression_failed'
  /** An expression hit a time, depth or size limit. */
  | 'expression_limit'
  /** The run's time budget for expressions was spent; the remaining rules did not run. */
  | 'budget_exceeded'
  /** The target path runs through a value of the wrong kind. */
  | 'path_conflict'
  /** (warning) Writing an index past the end of an array padded it with nulls. */
  | 'array_padded';
