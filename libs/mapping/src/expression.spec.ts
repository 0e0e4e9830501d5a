import {
  CompiledExpression,
  compileExpression,
  DEFAULT_EXPRESSION_LIMITS,
  ExpressionFunction,
  ExpressionLimits,
  ExpressionOutcome,
} from './expression';

const functions: ExpressionFunction[] = [
  {
    name: 'double',
    implementation: (value: unknown) => (typeof value === 'number' ? value * 2 : undefined),
    checkCall: (args) =>
      args[0]?.literal && typeof args[0].value !== 'number' ? 'needs a number' : undefined,
  },
];

function compile(source: string, limits: Partial<ExpressionLimits> = {}): CompiledExpression {
  const compiled = compileExpression(source, { ...DEFAULT_EXPRESSION_LIMITS, ...limits }, functions);
  if (!compiled.ok) throw new Error(compiled.problems.join('; '));
  return compiled.expression;
}

function problems(source: string): string[] {
  const compiled = compileExpression(source, DEFAULT_EXPRESSION_LIMITS, functions);
  return compiled.ok ? [] : compiled.problems;
}

async function evaluate(
  source: string,
  input: unknown = {},
  limits: Partial<ExpressionLimits> = {},
): Promise<ExpressionOutcome> {
  return compile(source, limits).evaluate(input, { output: { done: true }, context: { facility: 'F1' } });
}

const patient = { name: 'Zebediah', ssn: '123-45-6789', visits: [{ n: 1 }, { n: 2 }] };

describe('compileExpression', () => {
  it('evaluates JSONata against the input with the bindings', async () => {
    await expect(evaluate('name & " / " & $context.facility', patient)).resolves.toEqual({
      ok: true,
      value: 'Zebediah / F1',
    });
    await expect(evaluate('$output.done and $count(visits) = 2', patient)).resolves.toEqual({
      ok: true,
      value: true,
    });
    await expect(evaluate('$double(21)')).resolves.toEqual({ ok: true, value: 42 });
    await expect(evaluate('missing.path')).resolves.toEqual({ ok: true, value: undefined });
  });

  it('reports syntax errors with their position', () => {
    expect(problems('name = ')).toEqual([
      expect.stringMatching(/^expression does not parse: .+ \(at \d+\)$/),
    ]);
    expect(problems('(a')).toHaveLength(1);
  });

  it('checks calls with literal arguments at compile time', () => {
    expect(problems('$double("x")')).toEqual(['$double: needs a number']);
    expect(problems('"x" ~> $double()')).toEqual([]); // the piped value is not a literal argument
    expect(problems('$double(n)')).toEqual([]);
  });

  it('refuses regular expression literals and $eval, which would bring them back', () => {
    expect(problems('$match(name, /a+/)')).toEqual([
      'regular expressions are not allowed in expressions (use $test(value, pattern))',
    ]);
    expect(problems('$replace(name, /(a+)+$/, "x")')).toHaveLength(1);
    expect(problems('$eval("1 + 1")')).toEqual(['$eval is not allowed in expressions']);
    expect(problems('"1" ~> $eval')).toEqual(['$eval is not allowed in expressions']);
    expect(problems('($e := $eval; $e("1"))')).toEqual(['$eval is not allowed in expressions']);
  });

  it.each([
    'constructor',
    '$.constructor',
    '__proto__',
    'name.constructor.constructor',
    '$lookup($, "constructor")',
    '$lookup($, "__proto__")',
    '$string.constructor',
    '$type($.toString)',
    'visits.constructor',
    'process',
    '$process',
    '$process.exit(1)',
    'global',
    '$globalThis',
    'require',
    '$require',
    '$this',
    '$Function',
  ])('cannot reach JavaScript objects through %s', async (source) => {
    await expect(evaluate(source, patient)).resolves.toEqual({ ok: true, value: undefined });
  });

  it.each([
    '$require("child_process")',
    '$Function("return process")()',
    '$string.constructor("return process")()',
    '(constructor.constructor)("return process")()',
  ])('cannot call into JavaScript with %s', async (source) => {
    const outcome = await evaluate(source, patient);
    expect(outcome).toMatchObject({ ok: false, limit: false });
    if (!outcome.ok) {
      expect(outcome.reason).toMatch(/^expression failed with JSONata error T\d+ at position \d+$/);
    }
  });

  it('sees only own keys of the input', async () => {
    const outcome = await evaluate('$keys($)', patient);
    expect(outcome.ok && [...(outcome.value as string[])]).toEqual(['name', 'ssn', 'visits']);
  });

  it('never changes the input, frozen or not', async () => {
    const input = JSON.parse(JSON.stringify(patient)) as typeof patient;
    const frozen = deepFreeze(JSON.parse(JSON.stringify(patient)));
    const source = '$ ~> |visits|{"n": n * 10}| ~> |$|{"name": "changed"}|';
    const changed = { name: 'changed', ssn: '123-45-6789', visits: [{ n: 10 }, { n: 20 }] };
    await expect(evaluate(source, input)).resolves.toEqual({ ok: true, value: changed });
    await expect(evaluate(source, frozen)).resolves.toEqual({ ok: true, value: changed });
    expect(input).toEqual(patient);
  });

  it('stops an expression that runs too long (tail recursion does not grow the stack)', async () => {
    const outcome = await evaluate(
      '($f := function($n) { $n > 1e12 ? $n : $f($n + 1) }; $f(0))',
      {},
      { timeoutMs: 50 },
    );
    expect(outcome).toEqual({ ok: false, limit: true, reason: 'expression ran longer than 50 ms' });
  });

  it('stops an expression that nests too deeply', async () => {
    const outcome = await evaluate('($f := function($n) { 1 + $f($n + 1) }; $f(0))', {}, { maxDepth: 100 });
    expect(outcome).toEqual({ ok: false, limit: true, reason: 'expression nested deeper than 100 levels' });
  });

  it('stops an expression that builds a long sequence or array', async () => {
    await expect(evaluate('$count([1..100000])', {}, { maxSequenceLength: 1000 })).resolves.toEqual({
      ok: false,
      limit: true,
      reason: 'expression built a sequence longer than 1000 items',
    });
    await expect(evaluate('$count([1..10000000000])')).resolves.toMatchObject({ ok: false, limit: true });
    await expect(evaluate('$count([1..500])', {}, { maxSequenceLength: 1000 })).resolves.toEqual({
      ok: true,
      value: 500,
    });
  });

  it('stops an expression that builds a long string', async () => {
    await expect(evaluate('$pad("", 100000000)', {}, { maxStringLength: 1000 })).resolves.toEqual({
      ok: false,
      limit: true,
      reason: 'expression built a string longer than 1000 characters',
    });
    const doubling = '$reduce([1..64], function($acc, $v) { $acc & $acc }, "xx")';
    await expect(evaluate(doubling, {}, { maxStringLength: 1_000_000 })).resolves.toEqual({
      ok: false,
      limit: true,
      reason: 'expression built a string longer than 1000000 characters',
    });
  });

  it('reports failures without the values involved', async () => {
    const outcomes = await Promise.all([
      evaluate('$number(name)', patient), // JSONata: "Unable to cast value to a number: \"Zebediah\""
      evaluate('$error("patient " & name & " " & ssn)', patient),
      evaluate('name + 1', patient),
      evaluate('$assert(false, ssn)', patient),
    ]);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ ok: false, limit: false });
      if (!outcome.ok) {
        expect(outcome.reason).not.toMatch(/Zebediah|123-45/);
        expect(outcome.reason).toMatch(/^expression failed with JSONata error [A-Z]\d{4}/);
      }
    }
  });

  it('can be evaluated concurrently', async () => {
    const expression = compile('n * 2');
    const results = await Promise.all([1, 2, 3, 4].map((n) => expression.evaluate({ n }, {})));
    expect(results).toEqual([2, 4, 6, 8].map((value) => ({ ok: true, value })));
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
