import { CompiledExpression } from './expression';
import { JsonValue } from './json-value';
import { LookupTable } from './lookup-table';
import { ValueType } from './mapping-config';
import { CompiledPath } from './mapping-path';
import { TransformDefinition } from './transform-definition';
import { CompiledValidation } from './value-checks';

/** A config after `compileMapping` checked it: paths parsed, expressions and patterns compiled. */
export interface CompiledMapping {
  readonly fields: readonly CompiledField[];
  readonly rules: readonly CompiledRule[];
}

export interface CompiledTransformStep {
  readonly definition: TransformDefinition;
  readonly args: readonly JsonValue[];
  readonly location: string;
}

export interface CompiledValueOptions {
  readonly transforms: readonly CompiledTransformStep[];
  readonly required: boolean;
  /** Absent when the config gives no default (a default of null is a value). */
  readonly default?: { readonly value: JsonValue };
  readonly type?: ValueType;
  readonly validation?: CompiledValidation;
}

export interface CompiledField {
  readonly location: string;
  readonly sources: readonly CompiledPath[];
  readonly target: CompiledPath;
  readonly options: CompiledValueOptions;
}

interface CompiledRuleBase {
  readonly location: string;
  readonly name: string;
  readonly when?: CompiledExpression;
}

export type CompiledRule =
  | (CompiledRuleBase & { readonly action: 'map'; readonly fields: readonly CompiledField[] })
  | (CompiledRuleBase & {
      readonly action: 'calculate';
      readonly expression: CompiledExpression;
      readonly target: CompiledPath;
      readonly options: CompiledValueOptions;
    })
  | (CompiledRuleBase & {
      readonly action: 'lookup';
      readonly source: CompiledPath;
      readonly from: 'input' | 'output';
      readonly table: LookupTable;
      readonly target: CompiledPath;
      readonly onMissing: 'error' | 'warn' | 'ignore' | 'passthrough';
      readonly required: boolean;
    })
  | (CompiledRuleBase & {
      readonly action: 'validate';
      readonly target?: CompiledPath;
      readonly required: boolean;
      readonly validation?: CompiledValidation;
      readonly expression?: CompiledExpression;
      readonly message?: string;
      readonly severity: 'error' | 'warning';
    })
  | (CompiledRuleBase & {
      readonly action: 'enrich';
      readonly set: readonly { readonly path: CompiledPath; readonly value: JsonValue }[];
      readonly overwrite: boolean;
    });
