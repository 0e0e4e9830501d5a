export {
  compileMapping,
  DEFAULT_APPLY_BUDGET_MS,
  MappingConfigError,
  tryCompileMapping,
} from './compile-mapping';
export type { CompileOptions, ConfigProblem, MappingCompile } from './compile-mapping';
export { DEFAULT_EXPRESSION_LIMITS } from './expression';
export type { ExpressionLimits } from './expression';
export type { JsonObject, JsonPrimitive, JsonValue } from './json-value';
export type { LookupTableConfig, LookupValue } from './lookup-table';
export { RULE_ACTIONS, VALUE_TYPES } from './mapping-config';
export type {
  CalculateRule,
  EnrichRule,
  FieldMapping,
  LookupRule,
  MapRule,
  MappingConfig,
  MappingContext,
  Rule,
  RuleAction,
  RuleBase,
  TransformStep,
  ValidateRule,
  ValidationSpec,
  ValueOptions,
  ValueType,
} from './mapping-config';
export type { MappingIssue, MappingIssueCode } from './mapping-issue';
export { MAX_PATH_INDEX, parsePath, readPath } from './mapping-path';
export type { CompiledPath, PathParse } from './mapping-path';
export type { ApplyOptions, Mapper, MappingResult } from './mapper';
export { compilePattern } from './safe-pattern';
export type { PatternCompile, SafePattern } from './safe-pattern';
export { describeTransforms } from './transform-catalog';
