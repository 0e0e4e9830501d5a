import { CompiledField, CompiledMapping, CompiledRule, CompiledValueOptions } from './compiled-mapping';
import { CompiledExpression } from './expression';
import { copyJson, describeKind, isAbsent, isJsonObject, JsonObject, JsonValue } from './json-value';
import { LookupTable } from './lookup-table';
import { MappingContext } from './mapping-config';
import { MappingIssue, MappingIssueCode } from './mapping-issue';
import { CompiledPath, readPath, writePath } from './mapping-path';
import { runTransform, TransformEnvironment } from './transform-definition';
import { convertType, validateValue } from './value-checks';

export interface ApplyOptions {
  /** Bound as `$context` in expressions: values of the call, not of the input (integration id…). */
  readonly context?: MappingContext;
}

export interface MappingResult {
  /** No errors (warnings allowed). */
  readonly ok: boolean;
  /** Everything that could be mapped, even when there are errors; never shares objects with the input. */
  readonly output: JsonObject;
  readonly errors: readonly MappingIssue[];
  readonly warnings: readonly MappingIssue[];
}

export interface Mapper {
  /**
   * Maps one input document. Never throws for bad data and never changes the input: everything that
   * goes wrong is an issue in the result.
   */
  apply(input: unknown, options?: ApplyOptions): Promise<MappingResult>;
}

/** The compiled mapper `compileMapping` returns; compiled once, applied to many documents, concurrently too. */
export class MappingEngine implements Mapper {
  private readonly environment: TransformEnvironment;

  constructor(
    private readonly mapping: CompiledMapping,
    tables: ReadonlyMap<string, LookupTable>,
    private readonly budgetMs: number,
  ) {
    this.environment = { table: (name) => tables.get(name) };
  }

  async apply(input: unknown, options: ApplyOptions = {}): Promise<MappingResult> {
    const run = new MappingRun(this.environment, this.budgetMs, input, options.context ?? {});
    if (!isJsonObject(input)) {
      run.issue(
        'error',
        'invalid_input',
        { location: 'input' },
        `input must be a JSON object, got ${describeKind(input)}`,
      );
      return run.result();
    }
    for (const field of this.mapping.fields) run.mapField(field);
    for (const rule of this.mapping.rules) {
      if (!(await run.rule(rule))) break;
    }
    return run.result();
  }
}

interface Where {
  readonly location: string;
  readonly target?: CompiledPath;
  readonly rule?: string;
}

/** The state of one `apply`: the output so far, the issues, the expression time spent. */
class MappingRun {
  private readonly output: JsonObject = {};
  private readonly errors: MappingIssue[] = [];
  private readonly warnings: MappingIssue[] = [];
  private readonly startedAt = Date.now();

  constructor(
    private readonly environment: TransformEnvironment,
    private readonly budgetMs: number,
    private readonly input: unknown,
    private readonly context: MappingContext,
  ) {}

  result(): MappingResult {
    return {
      ok: this.errors.length === 0,
      output: this.output,
      errors: this.errors,
      warnings: this.warnings,
    };
  }

  mapField(field: CompiledField, rule?: string): void {
    let value: unknown;
    for (const source of field.sources) {
      value = readPath(this.input, source);
      if (!isAbsent(value)) break;
    }
    this.finish(value, field.options, { location: field.location, target: field.target, rule });
  }

  /** Runs one rule; false when the run must stop (the expression budget is spent). */
  async rule(rule: CompiledRule): Promise<boolean> {
    const where: Where = { location: rule.location, rule: rule.name };
    if (rule.when !== undefined) {
      const at: Where = { ...where, location: `${rule.location}.when` };
      const condition = await this.evaluate(rule.when, at, 'when');
      if (condition === 'stop') return false;
      if (condition === 'failed' || condition.value !== true) {
        if (condition !== 'failed' && condition.value !== false && condition.value !== undefined) {
          const message = `condition gave ${describeKind(condition.value)}, not true or false`;
          this.issue('error', 'expression_failed', at, message, 'when');
        }
        return true;
      }
    }
    switch (rule.action) {
      case 'map':
        for (const field of rule.fields) this.mapField(field, rule.name);
        return true;
      case 'calculate': {
        const outcome = await this.evaluate(rule.expression, { ...where, target: rule.target }, 'expression');
        if (outcome === 'stop') return false;
        if (outcome === 'failed') return true;
        const copied = copyJson(outcome.value);
        if (!copied.ok) {
          this.issue(
            'error',
            'expression_failed',
            { ...where, target: rule.target },
            `expression result: ${copied.reason}`,
            'expression',
          );
          return true;
        }
        this.finish(copied.value, rule.options, { ...where, target: rule.target });
        return true;
      }
      case 'lookup':
        this.lookup(rule, { ...where, target: rule.target });
        return true;
      case 'validate':
        return this.validate(rule, { ...where, target: rule.target });
      case 'enrich':
        for (const { path, value } of rule.set) {
          if (!rule.overwrite && !isAbsent(readPath(this.output, path))) continue;
          this.write(value, { ...where, target: path });
        }
        return true;
    }
  }

  /** A value through its options (transforms, default, required, type, validate) into the output. */
  private finish(value: unknown, options: CompiledValueOptions, where: Where): void {
    let current = isAbsent(value) ? undefined : (value as JsonValue);
    for (const step of options.transforms) {
      const outcome = runTransform(step.definition, current, step.args, this.environment);
      if (!outcome.ok) {
        const message = `transform "${step.definition.name}" failed: ${outcome.reason}`;
        this.issue(
          'error',
          'transform_failed',
          { ...where, location: step.location },
          message,
          step.definition.name,
        );
        return;
      }
      current = isAbsent(outcome.value) ? undefined : outcome.value;
    }
    if (current === undefined && options.default !== undefined) current = options.default.value;
    if (current === undefined || current === null) {
      if (options.required) this.issue('error', 'required', where, 'required value is missing', 'required');
      else if (current === null) this.write(null, where);
      return;
    }
    if (options.type !== undefined) {
      const converted = runConversion(current, options.type);
      if (!converted.ok) {
        this.issue(
          'error',
          'invalid_type',
          where,
          `cannot convert to ${options.type}: ${converted.reason}`,
          options.type,
        );
        return;
      }
      current = converted.value;
    }
    if (options.validation !== undefined) {
      const failed = validateValue(current, options.validation);
      for (const check of failed) this.issue('error', 'validation_failed', where, check.message, check.check);
      if (failed.length > 0) return;
    }
    this.write(current, where);
  }

  private lookup(rule: Extract<CompiledRule, { action: 'lookup' }>, where: Where): void {
    const key = readPath(rule.from === 'input' ? this.input : this.output, rule.source);
    if (isAbsent(key)) {
      if (rule.required) {
        this.issue('error', 'required', where, `lookup source ${rule.source.text} is missing`, 'required');
      }
      return;
    }
    const result = rule.table.get(key as JsonValue);
    if (result.found) {
      this.write(result.value, where);
      return;
    }
    const message = `code has no entry in lookup table "${rule.table.name}"`;
    switch (rule.onMissing) {
      case 'error':
      case 'warn':
        this.issue(
          rule.onMissing === 'error' ? 'error' : 'warning',
          'lookup_missing',
          where,
          message,
          rule.table.name,
        );
        return;
      case 'passthrough':
        this.write(key as JsonValue, where);
        return;
      case 'ignore':
        return;
    }
  }

  private async validate(
    rule: Extract<CompiledRule, { action: 'validate' }>,
    where: Where,
  ): Promise<boolean> {
    const severity = rule.severity;
    if (rule.target !== undefined) {
      const value = readPath(this.output, rule.target);
      if (isAbsent(value)) {
        if (rule.required) this.issue(severity, 'required', where, 'required value is missing', 'required');
      } else if (rule.validation !== undefined) {
        for (const check of validateValue(value as JsonValue, rule.validation)) {
          this.issue(severity, 'validation_failed', where, check.message, check.check);
        }
      }
    }
    if (rule.expression !== undefined) {
      const outcome = await this.evaluate(
        rule.expression,
        { ...where, location: `${rule.location}.expression` },
        'expression',
      );
      if (outcome === 'stop') return false;
      if (outcome !== 'failed' && outcome.value !== true) {
        const message = rule.message ?? `rule "${rule.name}" failed`;
        this.issue(severity, 'validation_failed', where, message, 'expression');
      }
    }
    return true;
  }

  /**
   * Evaluates an expression against the input with `$output` and `$context` bound. 'failed': the
   * issue is recorded; 'stop': the run's expression budget is spent (recorded once).
   */
  private async evaluate(
    expression: CompiledExpression,
    where: Where,
    check: string,
  ): Promise<{ value: unknown } | 'failed' | 'stop'> {
    if (Date.now() - this.startedAt > this.budgetMs) {
      const message = `expressions took longer than the ${this.budgetMs} ms budget; this and later rules did not run`;
      this.issue('error', 'budget_exceeded', where, message, check);
      return 'stop';
    }
    const outcome = await expression.evaluate(this.input, { output: this.output, context: this.context });
    if (outcome.ok) return { value: outcome.value };
    this.issue(
      'error',
      outcome.limit ? 'expression_limit' : 'expression_failed',
      where,
      outcome.reason,
      check,
    );
    return 'failed';
  }

  /** Copies the value (the output never shares objects with the input or the config) and writes it. */
  private write(value: JsonValue, where: Where): void {
    const target = where.target as CompiledPath;
    const copied = copyJson(value);
    if (!copied.ok || copied.value === undefined) {
      this.issue('error', 'invalid_input', where, copied.ok ? 'nothing to write' : copied.reason);
      return;
    }
    const written = writePath(this.output, target, copied.value);
    if (!written.ok) {
      this.issue('error', 'path_conflict', where, written.reason);
    } else if (written.paddedArray) {
      this.issue('warning', 'array_padded', where, 'an index past the end of an array padded it with null');
    }
  }

  issue(
    severity: 'error' | 'warning',
    code: MappingIssueCode,
    where: Where,
    message: string,
    check?: string,
  ): void {
    const issue: MappingIssue = {
      severity,
      code,
      location: where.location,
      ...(where.target === undefined ? {} : { target: where.target.text }),
      ...(where.rule === undefined ? {} : { rule: where.rule }),
      ...(check === undefined ? {} : { check }),
      message,
    };
    (severity === 'error' ? this.errors : this.warnings).push(issue);
  }
}

function runConversion(
  value: JsonValue,
  type: Parameters<typeof convertType>[1],
): { ok: true; value: JsonValue } | { ok: false; reason: string } {
  const outcome = convertType(value, type);
  if (!outcome.ok) return outcome;
  return outcome.value === undefined
    ? { ok: false, reason: 'conversion gave nothing' }
    : { ok: true, value: outcome.value };
}
