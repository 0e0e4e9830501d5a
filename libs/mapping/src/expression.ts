import jsonata from 'jsonata';

/**
 * Conditions and calculations in configs are JSONata expressions (see the README for why). JSONata
 * interprets its own syntax tree: it has no access to JavaScript globals, `require`, `process` or
 * prototypes (property lookups are own-property only), and no way to define a JavaScript function.
 * What it can do is run long or build large values, and `$match`/`$replace`/`$split` run regular
 * expressions on JavaScript's backtracking engine, which no timer can interrupt. So:
 *
 * - every evaluation runs under JSONata's own guards: a wall-clock timeout and a nesting depth,
 *   checked each time it evaluates a node, and a maximum sequence length;
 * - a hook on every node's result bounds the length of strings and arrays an expression builds;
 * - regular-expression literals and `$eval` (which would parse them from a string at run time) are
 *   refused when the config is compiled; `$test(value, pattern)` matches with the linear-time engine
 *   instead, and `RegexEngine` is set to one that refuses to run, should a pattern get through anyway.
 */
export interface ExpressionLimits {
  /** Wall-clock time one evaluation may take. */
  readonly timeoutMs: number;
  /** How deeply evaluation may nest (recursion included). */
  readonly maxDepth: number;
  /** The longest sequence or array an expression may build. */
  readonly maxSequenceLength: number;
  /** The longest string an expression may build. */
  readonly maxStringLength: number;
}

export const DEFAULT_EXPRESSION_LIMITS: ExpressionLimits = {
  timeoutMs: 500,
  maxDepth: 300,
  maxSequenceLength: 10_000,
  maxStringLength: 1_000_000,
};

/** A function the engine offers to expressions, e.g. `$lookupTable`. */
export interface ExpressionFunction {
  readonly name: string;
  readonly implementation: (...args: unknown[]) => unknown;
  /** Checks a call whose arguments are literals, when the config is compiled. */
  readonly checkCall?: (literalArgs: readonly LiteralArg[]) => string | undefined;
}

/** An argument as written in an expression: its value when it is a literal, else `dynamic`. */
export type LiteralArg = { literal: true; value: unknown } | { literal: false };

export type ExpressionOutcome = { ok: true; value: unknown } | { ok: false; limit: boolean; reason: string };

export interface CompiledExpression {
  readonly source: string;
  evaluate(input: unknown, bindings: Readonly<Record<string, unknown>>): Promise<ExpressionOutcome>;
}

export type ExpressionCompile =
  { ok: true; expression: CompiledExpression } | { ok: false; problems: string[] };

/** Prefix of the codes of errors thrown by our own expression functions; their messages hold no data. */
export const OWN_ERROR_CODE = 'MERIDIAN';

export class ExpressionFunctionError {
  readonly code = OWN_ERROR_CODE;
  constructor(readonly message: string) {}
}

class NoRegexEngine {
  constructor() {
    throw new ExpressionFunctionError('regular expressions are not allowed in expressions');
  }
}

const EVALUATE_EXIT = Symbol.for('jsonata.__evaluate_exit');

export function compileExpression(
  source: string,
  limits: ExpressionLimits,
  functions: readonly ExpressionFunction[],
): ExpressionCompile {
  let compiled: jsonata.Expression;
  try {
    compiled = jsonata(source, {
      timeout: limits.timeoutMs,
      stack: limits.maxDepth,
      sequence: limits.maxSequenceLength,
      RegexEngine: NoRegexEngine as unknown as RegExpConstructor,
    });
  } catch (error) {
    return { ok: false, problems: [`expression does not parse: ${syntaxMessage(error)}`] };
  }
  const problems = checkTree(compiled.ast(), functions);
  if (problems.length > 0) return { ok: false, problems };

  for (const fn of functions) compiled.registerFunction(fn.name, fn.implementation);
  compiled.registerFunction('eval', () => {
    throw new ExpressionFunctionError('$eval is not allowed');
  });
  // JSONata calls the function bound to this symbol after evaluating each node, with the result.
  // It is how its debugger hooks in; we use it to stop an expression that builds a huge value.
  compiled.assign(
    EVALUATE_EXIT as unknown as string,
    (_node: unknown, _input: unknown, _env: unknown, result: unknown) => {
      if (typeof result === 'string' && result.length > limits.maxStringLength) {
        throw new LimitError(`expression built a string longer than ${limits.maxStringLength} characters`);
      }
      if (Array.isArray(result) && result.length > limits.maxSequenceLength) {
        throw new LimitError(`expression built an array longer than ${limits.maxSequenceLength} items`);
      }
    },
  );

  return {
    ok: true,
    expression: {
      source,
      evaluate: async (input, bindings) => {
        try {
          return { ok: true, value: await compiled.evaluate(input, { ...bindings }) };
        } catch (error) {
          return describeFailure(error, limits);
        }
      },
    },
  };
}

class LimitError {
  readonly code = `${OWN_ERROR_CODE}_LIMIT`;
  constructor(readonly message: string) {}
}

function syntaxMessage(error: unknown): string {
  // Parse errors quote the expression (from the config), never data.
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const { message, position } = error as { message: unknown; position?: unknown };
    return typeof position === 'number' ? `${String(message)} (at ${position})` : String(message);
  }
  return 'unknown syntax error';
}

/**
 * Why an evaluation failed, without data: JSONata's own messages often quote values ("Unable to
 * cast value to a number: …"), and `$error()` messages are written by the expression, so only
 * their code and position are kept.
 */
function describeFailure(error: unknown, limits: ExpressionLimits): ExpressionOutcome {
  if (error instanceof RangeError) {
    return { ok: false, limit: true, reason: 'expression exhausted the stack or memory' };
  }
  if (error instanceof LimitError) return { ok: false, limit: true, reason: error.message };
  if (error instanceof ExpressionFunctionError) return { ok: false, limit: false, reason: error.message };
  const { code, position } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    position?: unknown;
  };
  switch (code) {
    case 'D1011':
      return { ok: false, limit: true, reason: `expression nested deeper than ${limits.maxDepth} levels` };
    case 'D1012':
      return { ok: false, limit: true, reason: `expression ran longer than ${limits.timeoutMs} ms` };
    case 'D2014':
    case 'D2015':
      return {
        ok: false,
        limit: true,
        reason: `expression built a sequence longer than ${limits.maxSequenceLength} items`,
      };
  }
  if (typeof code === 'string') {
    const at = typeof position === 'number' ? ` at position ${position}` : '';
    return { ok: false, limit: false, reason: `expression failed with JSONata error ${code}${at}` };
  }
  const name = error instanceof Error ? error.constructor.name : typeof error;
  return { ok: false, limit: false, reason: `expression failed (${name})` };
}

interface AstNode {
  type?: string;
  value?: unknown;
  procedure?: AstNode;
  arguments?: AstNode[];
  lhs?: unknown;
  rhs?: AstNode;
}

/** Walks the syntax tree for what is refused and for calls whose literal arguments can be checked now. */
function checkTree(root: unknown, functions: readonly ExpressionFunction[]): string[] {
  const problems = new Set<string>();
  const byName = new Map(functions.map((fn) => [fn.name, fn]));
  const seen = new Set<object>();
  const visit = (node: unknown, pipedInto: boolean): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) visit(item, false);
      return;
    }
    const ast = node as AstNode;
    if (ast.type === 'regex') {
      problems.add('regular expressions are not allowed in expressions (use $test(value, pattern))');
    }
    if (ast.type === 'variable' && ast.value === 'eval') problems.add('$eval is not allowed in expressions');
    if (ast.type === 'function' && ast.procedure?.type === 'variable') {
      const fn = byName.get(String(ast.procedure.value));
      if (fn?.checkCall !== undefined) {
        // `value ~> $f(a)` calls $f(value, a): the piped value is a dynamic first argument.
        const written: LiteralArg[] = (ast.arguments ?? []).map((arg) =>
          arg.type === 'string' || arg.type === 'number' || arg.type === 'value'
            ? { literal: true, value: arg.value }
            : { literal: false },
        );
        const problem = fn.checkCall(pipedInto ? [{ literal: false }, ...written] : written);
        if (problem !== undefined) problems.add(`$${fn.name}: ${problem}`);
      }
    }
    for (const [key, child] of Object.entries(node)) {
      visit(child, ast.type === 'apply' && key === 'rhs');
    }
  };
  visit(root, false);
  return [...problems];
}
