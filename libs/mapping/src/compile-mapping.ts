import {
  CompiledField,
  CompiledMapping,
  CompiledRule,
  CompiledTransformStep,
  CompiledValueOptions,
} from './compiled-mapping';
import {
  CompiledExpression,
  compileExpression,
  DEFAULT_EXPRESSION_LIMITS,
  ExpressionFunction,
  ExpressionFunctionError,
  ExpressionLimits,
  LiteralArg,
} from './expression';
import { copyJson, isJsonObject, JsonObject, JsonPrimitive, JsonValue } from './json-value';
import { LookupTable, LookupTableConfig } from './lookup-table';
import { RULE_ACTIONS, RuleAction, VALUE_TYPES, ValueType } from './mapping-config';
import { CompiledPath, parsePath } from './mapping-path';
import { Mapper, MappingEngine } from './mapper';
import { compilePattern, SafePattern } from './safe-pattern';
import { TRANSFORMS } from './transform-catalog';
import { checkTransformArgs, runTransform, TransformEnvironment } from './transform-definition';
import { CompiledValidation } from './value-checks';

/** One thing wrong with a config, and where: `fields[3].transform[0]: unknown transform "lowercas"`. */
export interface ConfigProblem {
  readonly location: string;
  readonly message: string;
}

/** Thrown by `compileMapping`: every problem in the config, each with its location. */
export class MappingConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `invalid mapping config (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((problem) => `  ${problem.location}: ${problem.message}`).join('\n'),
    );
    this.name = 'MappingConfigError';
  }
}

export interface CompileOptions {
  /** Limits for each expression evaluation; the defaults suit message-by-message mapping. */
  readonly expressionLimits?: Partial<ExpressionLimits>;
  /**
   * Time all of one `apply`'s expressions may take together. Checked before each evaluation; each
   * evaluation is also bounded by `expressionLimits.timeoutMs`, so a run ends within about the sum.
   */
  readonly applyBudgetMs?: number;
}

export const DEFAULT_APPLY_BUDGET_MS = 2_000;

export type MappingCompile = { ok: true; mapper: Mapper } | { ok: false; problems: ConfigProblem[] };

/**
 * Checks a config (as loaded from JSON) and compiles it, or lists every problem. For callers that
 * report problems as data (the management API, a config consumer).
 */
export function tryCompileMapping(config: unknown, options: CompileOptions = {}): MappingCompile {
  const limits: ExpressionLimits = { ...DEFAULT_EXPRESSION_LIMITS, ...options.expressionLimits };
  const compiler = new ConfigCompiler(limits);
  const compiled = compiler.compile(config);
  if (compiler.problems.length > 0 || compiled === undefined) {
    return { ok: false, problems: compiler.problems };
  }
  return {
    ok: true,
    mapper: new MappingEngine(compiled, compiler.tables, options.applyBudgetMs ?? DEFAULT_APPLY_BUDGET_MS),
  };
}

/** Checks and compiles a config; throws `MappingConfigError` listing every problem. */
export function compileMapping(config: unknown, options: CompileOptions = {}): Mapper {
  const result = tryCompileMapping(config, options);
  if (!result.ok) throw new MappingConfigError(result.problems);
  return result.mapper;
}

const ROOT_KEYS = ['version', 'fields', 'rules', 'lookupTables'];
const VALUE_KEYS = ['transform', 'required', 'default', 'type', 'validate'];
const FIELD_KEYS = ['source', 'target', 'description', ...VALUE_KEYS];
const RULE_BASE_KEYS = ['name', 'action', 'when', 'description'];
const RULE_KEYS: Record<RuleAction, readonly string[]> = {
  map: [...RULE_BASE_KEYS, 'fields'],
  calculate: [...RULE_BASE_KEYS, 'expression', 'target', ...VALUE_KEYS],
  lookup: [...RULE_BASE_KEYS, 'source', 'from', 'table', 'target', 'onMissing', 'required'],
  validate: [...RULE_BASE_KEYS, 'target', 'required', 'validate', 'expression', 'message', 'severity'],
  enrich: [...RULE_BASE_KEYS, 'set', 'overwrite'],
};
const VALIDATION_KEYS = ['pattern', 'min', 'max', 'minLength', 'maxLength', 'enum'];
const TABLE_KEYS = ['entries', 'default', 'caseInsensitive'];
/** Table names are used inside expressions (`$lookupTable(code, 'gender')`), so keep them plain. */
const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

class ConfigCompiler {
  readonly problems: ConfigProblem[] = [];
  readonly tables = new Map<string, LookupTable>();
  private readonly patterns = new Map<string, SafePattern>();
  private readonly functions: readonly ExpressionFunction[];

  constructor(private readonly limits: ExpressionLimits) {
    this.functions = expressionFunctions(this.tables, this.patterns);
  }

  compile(config: unknown): CompiledMapping | undefined {
    if (!isJsonObject(config)) {
      this.problem('config', 'must be a JSON object');
      return undefined;
    }
    this.allowedKeys(config, ROOT_KEYS, 'config');
    if (config.version !== undefined && config.version !== 1) this.problem('version', 'must be 1');
    this.lookupTables(config.lookupTables);
    const fields = this.list(config.fields, 'fields', (field, at) => this.field(field, at));
    const rules = this.rules(config.rules);
    if (config.fields === undefined && config.rules === undefined) {
      this.problem('config', 'has neither fields nor rules');
    }
    return { fields, rules };
  }

  private lookupTables(tables: JsonValue | undefined): void {
    if (tables === undefined) return;
    if (!isJsonObject(tables)) {
      this.problem('lookupTables', 'must be an object of tables by name');
      return;
    }
    for (const [name, table] of Object.entries(tables)) {
      const at = `lookupTables${keyLocation(name)}`;
      if (!TABLE_NAME.test(name)) {
        this.problem(at, 'name must be a letter followed by letters, digits, _ or -');
      }
      if (!isJsonObject(table)) {
        this.problem(at, 'must be an object with entries');
        continue;
      }
      this.allowedKeys(table, TABLE_KEYS, at);
      let valid = true;
      if (!isJsonObject(table.entries)) {
        this.problem(`${at}.entries`, 'must be an object of code → value');
        valid = false;
      } else {
        for (const [key, value] of Object.entries(table.entries)) {
          if (!isLookupValue(value)) {
            this.problem(`${at}.entries${keyLocation(key)}`, 'must be a string, number or boolean');
            valid = false;
          }
        }
      }
      if (table.default !== undefined && !isLookupValue(table.default)) {
        this.problem(`${at}.default`, 'must be a string, number or boolean');
        valid = false;
      }
      if (table.caseInsensitive !== undefined && typeof table.caseInsensitive !== 'boolean') {
        this.problem(`${at}.caseInsensitive`, 'must be true or false');
        valid = false;
      }
      if (!valid || !TABLE_NAME.test(name)) continue;
      const tableConfig = table as unknown as LookupTableConfig;
      for (const key of LookupTable.collisions(tableConfig)) {
        this.problem(
          `${at}.entries${keyLocation(key)}`,
          'collides with another key once keys are trimmed (and case-folded)',
        );
      }
      this.tables.set(name, new LookupTable(name, tableConfig));
    }
  }

  private rules(rules: JsonValue | undefined): CompiledRule[] {
    const names = new Set<string>();
    return this.list(rules, 'rules', (rule, at) => {
      if (!isJsonObject(rule)) {
        this.problem(at, 'must be an object');
        return undefined;
      }
      const name = this.requiredString(rule.name, `${at}.name`);
      if (name !== undefined) {
        if (names.has(name)) this.problem(`${at}.name`, `duplicates the name of an earlier rule "${name}"`);
        names.add(name);
      }
      const action = rule.action;
      if (typeof action !== 'string' || !(RULE_ACTIONS as readonly string[]).includes(action)) {
        this.problem(
          `${at}.action`,
          `must be one of ${RULE_ACTIONS.map((a) => JSON.stringify(a)).join(', ')}`,
        );
        return undefined;
      }
      this.allowedKeys(rule, RULE_KEYS[action as RuleAction], at);
      const when = rule.when === undefined ? undefined : this.expression(rule.when, `${at}.when`);
      const description = rule.description;
      if (description !== undefined && typeof description !== 'string') {
        this.problem(`${at}.description`, 'must be a string');
      }
      const base = { location: at, name: name ?? '', when };
      switch (action as RuleAction) {
        case 'map':
          if (!Array.isArray(rule.fields) || rule.fields.length === 0) {
            this.problem(`${at}.fields`, 'must be a non-empty array of field mappings');
            return undefined;
          }
          return {
            ...base,
            action: 'map',
            fields: this.list(rule.fields, `${at}.fields`, (f, fAt) => this.field(f, fAt)),
          };
        case 'calculate': {
          const expression = this.expression(rule.expression, `${at}.expression`);
          const target = this.path(rule.target, `${at}.target`);
          const options = this.valueOptions(rule, at);
          if (expression === undefined || target === undefined) return undefined;
          return { ...base, action: 'calculate', expression, target, options };
        }
        case 'lookup':
          return this.lookupRule(rule, at, base);
        case 'validate':
          return this.validateRule(rule, at, base);
        case 'enrich':
          return this.enrichRule(rule, at, base);
      }
    });
  }

  private lookupRule(rule: JsonObject, at: string, base: RuleBaseParts): CompiledRule | undefined {
    const source = this.path(rule.source, `${at}.source`);
    const target = this.path(rule.target, `${at}.target`);
    const from = this.oneOf(rule.from, `${at}.from`, ['input', 'output'] as const) ?? 'input';
    const onMissing = this.oneOf(rule.onMissing, `${at}.onMissing`, [
      'error',
      'warn',
      'ignore',
      'passthrough',
    ] as const);
    const required = this.optionalBoolean(rule.required, `${at}.required`);
    let table: LookupTable | undefined;
    if (typeof rule.table !== 'string') this.problem(`${at}.table`, 'must be the name of a lookup table');
    else {
      table = this.tables.get(rule.table);
      if (table === undefined) this.problem(`${at}.table`, `unknown lookup table "${rule.table}"`);
    }
    if (source === undefined || target === undefined || table === undefined) return undefined;
    return {
      ...base,
      action: 'lookup',
      source,
      from,
      table,
      target,
      onMissing: onMissing ?? 'error',
      required,
    };
  }

  private validateRule(rule: JsonObject, at: string, base: RuleBaseParts): CompiledRule | undefined {
    const target = rule.target === undefined ? undefined : this.path(rule.target, `${at}.target`);
    const expression =
      rule.expression === undefined ? undefined : this.expression(rule.expression, `${at}.expression`);
    const required = this.optionalBoolean(rule.required, `${at}.required`);
    const validation =
      rule.validate === undefined ? undefined : this.validation(rule.validate, `${at}.validate`);
    const severity = this.oneOf(rule.severity, `${at}.severity`, ['error', 'warning'] as const) ?? 'error';
    if (rule.message !== undefined && typeof rule.message !== 'string') {
      this.problem(`${at}.message`, 'must be a string');
    }
    if (rule.expression === undefined && rule.target === undefined) {
      this.problem(at, 'needs an expression, or a target with required or validate');
    }
    if (rule.target !== undefined && rule.required === undefined && rule.validate === undefined) {
      this.problem(at, 'has a target but neither required nor validate');
    }
    if (rule.target === undefined && (rule.required !== undefined || rule.validate !== undefined)) {
      this.problem(at, 'has required or validate but no target');
    }
    const message = typeof rule.message === 'string' ? rule.message : undefined;
    return { ...base, action: 'validate', target, required, validation, expression, message, severity };
  }

  private enrichRule(rule: JsonObject, at: string, base: RuleBaseParts): CompiledRule | undefined {
    const overwrite =
      rule.overwrite === undefined ? true : this.optionalBoolean(rule.overwrite, `${at}.overwrite`);
    if (!isJsonObject(rule.set) || Object.keys(rule.set).length === 0) {
      this.problem(`${at}.set`, 'must be a non-empty object of output path → value');
      return undefined;
    }
    const set: { path: CompiledPath; value: JsonValue }[] = [];
    for (const [text, value] of Object.entries(rule.set)) {
      const path = this.path(text, `${at}.set${keyLocation(text)}`);
      const copied = copyJson(value);
      if (path !== undefined && copied.ok && copied.value !== undefined) {
        set.push({ path, value: deepFreeze(copied.value) });
      }
    }
    return { ...base, action: 'enrich', set, overwrite };
  }

  private field(field: JsonValue, at: string): CompiledField | undefined {
    if (!isJsonObject(field)) {
      this.problem(at, 'must be an object with source and target');
      return undefined;
    }
    this.allowedKeys(field, FIELD_KEYS, at);
    if (field.description !== undefined && typeof field.description !== 'string') {
      this.problem(`${at}.description`, 'must be a string');
    }
    let sources: CompiledPath[] | undefined;
    if (Array.isArray(field.source)) {
      if (field.source.length === 0) this.problem(`${at}.source`, 'must name at least one path');
      const parsed = field.source.map((source, index) => this.path(source, `${at}.source[${index}]`));
      if (parsed.every((path) => path !== undefined)) sources = parsed as CompiledPath[];
    } else {
      const path = this.path(field.source, `${at}.source`);
      if (path !== undefined) sources = [path];
    }
    const target = this.path(field.target, `${at}.target`);
    const options = this.valueOptions(field, at);
    if (sources === undefined || target === undefined) return undefined;
    return { location: at, sources, target, options };
  }

  private valueOptions(holder: JsonObject, at: string): CompiledValueOptions {
    const transforms = this.transforms(holder.transform, `${at}.transform`);
    const required = this.optionalBoolean(holder.required, `${at}.required`);
    let type: ValueType | undefined;
    if (holder.type !== undefined) type = this.oneOf(holder.type, `${at}.type`, VALUE_TYPES);
    const validation =
      holder.validate === undefined ? undefined : this.validation(holder.validate, `${at}.validate`);
    const options: CompiledValueOptions = { transforms, required, type, validation };
    if (holder.default === undefined) return options;
    const copied = copyJson(holder.default);
    if (!copied.ok || copied.value === undefined) {
      this.problem(`${at}.default`, 'must be a JSON value');
      return options;
    }
    return { ...options, default: { value: deepFreeze(copied.value) } };
  }

  private transforms(spec: JsonValue | undefined, at: string): CompiledTransformStep[] {
    if (spec === undefined) return [];
    const steps = Array.isArray(spec)
      ? spec.map((step, index) => [step, `${at}[${index}]`] as const)
      : [[spec, at] as const];
    const compiled: CompiledTransformStep[] = [];
    for (const [step, location] of steps) {
      let name: JsonValue | undefined;
      let args: JsonValue[] = [];
      if (typeof step === 'string') {
        name = step;
      } else if (isJsonObject(step)) {
        this.allowedKeys(step, ['name', 'args'], location);
        name = step.name;
        if (step.args !== undefined) {
          if (Array.isArray(step.args)) args = step.args;
          else this.problem(`${location}.args`, 'must be an array');
        }
      } else {
        this.problem(location, 'must be a transform name or {name, args}');
        continue;
      }
      if (typeof name !== 'string') {
        this.problem(`${location}.name`, 'must be a transform name');
        continue;
      }
      const definition = TRANSFORMS.get(name);
      if (definition === undefined) {
        this.problem(location, unknownName('transform', name, [...TRANSFORMS.keys()]));
        continue;
      }
      const argProblems = checkTransformArgs(definition, args, (table) => this.tables.has(table));
      for (const problem of argProblems) {
        const [, argAt, message] = /^(args\[\d+\]): (.*)$/.exec(problem) ?? [undefined, undefined, problem];
        this.problem(argAt === undefined ? location : `${location}.${argAt}`, message);
      }
      const copied = copyJson(args);
      compiled.push({
        definition,
        args: deepFreeze(copied.ok ? (copied.value as JsonValue[]) : []),
        location,
      });
    }
    return compiled;
  }

  private validation(spec: JsonValue, at: string): CompiledValidation | undefined {
    if (!isJsonObject(spec)) {
      this.problem(at, 'must be an object of checks');
      return undefined;
    }
    this.allowedKeys(spec, VALIDATION_KEYS, at);
    let pattern: SafePattern | undefined;
    if (spec.pattern !== undefined) {
      if (typeof spec.pattern !== 'string') this.problem(`${at}.pattern`, 'must be a string');
      else {
        const compiled = compilePattern(spec.pattern);
        if (compiled.ok) pattern = compiled.pattern;
        else this.problem(`${at}.pattern`, compiled.reason);
      }
    }
    const number = (key: 'min' | 'max'): number | undefined => {
      const value = spec[key];
      if (value === undefined) return undefined;
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      this.problem(`${at}.${key}`, 'must be a number');
      return undefined;
    };
    const length = (key: 'minLength' | 'maxLength'): number | undefined => {
      const value = spec[key];
      if (value === undefined) return undefined;
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
      this.problem(`${at}.${key}`, 'must be a whole number, 0 or more');
      return undefined;
    };
    const [min, max, minLength, maxLength] = [
      number('min'),
      number('max'),
      length('minLength'),
      length('maxLength'),
    ];
    if (min !== undefined && max !== undefined && min > max) this.problem(at, 'min is greater than max');
    if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) {
      this.problem(at, 'minLength is greater than maxLength');
    }
    let allowed: JsonPrimitive[] | undefined;
    if (spec.enum !== undefined) {
      const values = spec.enum;
      if (
        !Array.isArray(values) ||
        values.length === 0 ||
        values.some((v) => typeof v === 'object' && v !== null)
      ) {
        this.problem(`${at}.enum`, 'must be a non-empty array of strings, numbers, booleans or null');
      } else {
        allowed = values as JsonPrimitive[];
      }
    }
    return Object.freeze({
      pattern,
      min,
      max,
      minLength,
      maxLength,
      enum: allowed && Object.freeze([...allowed]),
    });
  }

  private expression(source: JsonValue | undefined, at: string): CompiledExpression | undefined {
    if (typeof source !== 'string' || source.trim() === '') {
      this.problem(at, 'must be a JSONata expression');
      return undefined;
    }
    const compiled = compileExpression(source, this.limits, this.functions);
    if (compiled.ok) return compiled.expression;
    for (const problem of compiled.problems) this.problem(at, problem);
    return undefined;
  }

  private path(text: JsonValue | undefined, at: string): CompiledPath | undefined {
    if (typeof text !== 'string') {
      this.problem(at, 'must be a path');
      return undefined;
    }
    const parsed = parsePath(text);
    if (parsed.ok) return parsed.path;
    this.problem(at, parsed.reason);
    return undefined;
  }

  private list<T>(
    value: JsonValue | undefined,
    at: string,
    item: (value: JsonValue, at: string) => T | undefined,
  ): T[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.problem(at, 'must be an array');
      return [];
    }
    return value
      .map((entry, index) => item(entry, `${at}[${index}]`))
      .filter((entry): entry is T => entry !== undefined);
  }

  private oneOf<T extends string>(
    value: JsonValue | undefined,
    at: string,
    options: readonly T[],
  ): T | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string' && (options as readonly string[]).includes(value)) return value as T;
    this.problem(at, `must be one of ${options.map((option) => JSON.stringify(option)).join(', ')}`);
    return undefined;
  }

  private optionalBoolean(value: JsonValue | undefined, at: string): boolean {
    if (value === undefined) return false;
    if (typeof value === 'boolean') return value;
    this.problem(at, 'must be true or false');
    return false;
  }

  private requiredString(value: JsonValue | undefined, at: string): string | undefined {
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.problem(at, 'must be a non-empty string');
    return undefined;
  }

  private allowedKeys(object: JsonObject, allowed: readonly string[], at: string): void {
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key)) {
        this.problem(`${at}${keyLocation(key)}`, unknownName('property', key, allowed));
      }
    }
  }

  private problem(location: string, message: string): void {
    this.problems.push({ location, message });
  }
}

type RuleBaseParts = { location: string; name: string; when?: CompiledExpression };

function isLookupValue(value: unknown): boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** `.name` for plain keys, `["odd key"]` otherwise. */
function keyLocation(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function unknownName(kind: string, name: string, known: readonly string[]): string {
  const close = known
    .map((candidate) => ({ candidate, distance: editDistance(name.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= 2)
    .sort((a, b) => a.distance - b.distance)[0];
  return `unknown ${kind} "${name}"${close ? ` (did you mean "${close.candidate}"?)` : ''}`;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64 || b.length > 64) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Functions expressions may call besides JSONata's own:
 * - `$lookupTable(code, 'table')`: the table's value for the code (its default, else nothing);
 * - `$transform(value, 'name', args…)`: any transform (`name ~> $transform('uppercase')`);
 * - `$test(value, 'pattern')`: true when the string matches (linear-time patterns).
 * Messages of errors they raise never contain values: names that came from data are not repeated.
 */
function expressionFunctions(
  tables: ReadonlyMap<string, LookupTable>,
  patterns: Map<string, SafePattern>,
): ExpressionFunction[] {
  const environment: TransformEnvironment = { table: (name) => tables.get(name) };
  const literal = (args: readonly LiteralArg[], index: number): unknown =>
    args[index]?.literal ? (args[index] as { value: unknown }).value : undefined;
  return [
    {
      name: 'lookupTable',
      implementation: (key: unknown, name: unknown) => {
        const table = typeof name === 'string' ? tables.get(name) : undefined;
        if (table === undefined) throw new ExpressionFunctionError('$lookupTable: unknown lookup table');
        const copied = copyJson(key);
        const result = table.get(copied.ok ? copied.value : undefined);
        return result.found ? result.value : undefined;
      },
      checkCall: (args) => {
        const name = literal(args, 1);
        if (args.length !== 2) return 'takes a code and a table name';
        return typeof name === 'string' && !tables.has(name) ? `unknown lookup table "${name}"` : undefined;
      },
    },
    {
      name: 'transform',
      implementation: (value: unknown, name: unknown, ...args: unknown[]) => {
        const definition = typeof name === 'string' ? TRANSFORMS.get(name) : undefined;
        if (definition === undefined) throw new ExpressionFunctionError('$transform: unknown transform');
        const copiedArgs = args.map((arg) => copyJson(arg));
        if (
          copiedArgs.some((arg) => !arg.ok) ||
          checkTransformArgs(definition, args, (table) => tables.has(table)).length > 0
        ) {
          throw new ExpressionFunctionError(`$transform: invalid arguments for ${definition.name}`);
        }
        const copied = copyJson(value);
        if (!copied.ok) throw new ExpressionFunctionError(`$transform ${definition.name}: ${copied.reason}`);
        const plainArgs = copiedArgs.map((arg) => (arg.ok ? (arg.value ?? null) : null));
        const outcome = runTransform(definition, copied.value, plainArgs, environment);
        if (!outcome.ok) {
          throw new ExpressionFunctionError(`$transform ${definition.name}: ${outcome.reason}`);
        }
        return outcome.value;
      },
      checkCall: (args) => {
        const name = literal(args, 1);
        if (args.length < 2) return 'takes a value and a transform name';
        if (typeof name !== 'string') return undefined;
        const definition = TRANSFORMS.get(name);
        if (definition === undefined) return unknownName('transform', name, [...TRANSFORMS.keys()]);
        const rest = args.slice(2);
        if (!rest.every((arg) => arg.literal)) return undefined;
        const problems = checkTransformArgs(
          definition,
          rest.map((arg) => (arg as { value: unknown }).value),
          (table) => tables.has(table),
        );
        return problems.length > 0 ? problems.join('; ') : undefined;
      },
    },
    {
      name: 'test',
      implementation: (value: unknown, source: unknown) => {
        if (typeof source !== 'string') {
          throw new ExpressionFunctionError('$test: the pattern must be a string');
        }
        let pattern = patterns.get(source);
        if (pattern === undefined) {
          const compiled = compilePattern(source);
          if (!compiled.ok) throw new ExpressionFunctionError('$test: invalid pattern');
          pattern = compiled.pattern;
          // Literal patterns are compiled with the config; a pattern built from data is not kept.
        }
        const text = typeof value === 'number' ? String(value) : value;
        return typeof text === 'string' && pattern.test(text);
      },
      checkCall: (args) => {
        if (args.length !== 2) return 'takes a value and a pattern';
        const source = literal(args, 1);
        if (typeof source !== 'string') return undefined;
        const compiled = compilePattern(source);
        if (!compiled.ok) return compiled.reason;
        patterns.set(source, compiled.pattern);
        return undefined;
      },
    },
  ];
}
