import { compilePattern, MAX_PATTERN_STATES, SafePattern } from './safe-pattern';

function pattern(source: string): SafePattern {
  const compiled = compilePattern(source);
  if (!compiled.ok) throw new Error(compiled.reason);
  return compiled.pattern;
}

describe('compilePattern', () => {
  // Each pattern is checked against JavaScript's own RegExp on every sample: same answers.
  const patterns = [
    '',
    'abc',
    '^abc$',
    '^\\d{3}-\\d{4}$',
    '^[A-Z]{2}\\d{6}$',
    '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
    'a|b|cd',
    '^(?:MR|PI|SS)$',
    '^(ab)+$',
    '^(a|ab)(c|bcd)(d*)$',
    'colou?r',
    '^x{2,3}$',
    '^x{2,}$',
    '^x{0}y$',
    '^x*?y+?z??$',
    '\\bcat\\b',
    '\\Bcat',
    '^[a-c-]+$',
    '^[\\w.-]+$',
    '^[^0-9]*$',
    '^\\s*$',
    '^.$',
    '^\\x41\\u0042[\\b]?$',
    '^\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\/\\\\\\^\\$$',
    '^(a+)+$',
    'a*a*b',
    '^[]$',
    '^[^]$',
  ];
  const samples = [
    '',
    'abc',
    'xabcx',
    '555-1234',
    '5551234',
    'AB123456',
    'ab123456',
    'john@example.com',
    'john@example',
    'b',
    'cd',
    'MR',
    'MRN',
    'abab',
    'abcd',
    'abcdd',
    'color',
    'colour',
    'xx',
    'xxx',
    'xxxx',
    'y',
    'xyyz',
    'the cat sat',
    'concatenate',
    'a-b-c',
    'file.name-1',
    'no digits',
    '   ',
    '\n',
    'Q',
    'AB',
    'AB\b',
    '.*+?()[]{}|/\\^$',
    'aaaa',
    'aaaab',
  ];

  it.each(patterns)('agrees with RegExp for /%s/', (source) => {
    const compiled = pattern(source);
    const reference = new RegExp(source);
    for (const sample of samples) {
      expect([sample, compiled.test(sample)]).toEqual([sample, reference.test(sample)]);
    }
  });

  it('answers in linear time where RegExp backtracks for minutes', () => {
    // RegExp needs on the order of 2^40 steps for the first and n^3 for the second; the NFA a few
    // thousand. A backtracking implementation would not return within the test timeout.
    expect(pattern('^(a+)+$').test('a'.repeat(40) + '!')).toBe(false);
    expect(pattern('a*a*b').test('a'.repeat(20_000))).toBe(false);
    expect(pattern('^(\\w+\\s?)*$').test('word '.repeat(2_000) + '!')).toBe(false);
  });

  it.each([
    ['(a', 'unclosed group'],
    ['a)', "unmatched ')'"],
    ['[a-', "unclosed '['"],
    ['*a', 'nothing to repeat'],
    ['a**', 'nothing to repeat'],
    ['^*', 'nothing to repeat'],
    ['a{2', "'{' must be escaped"],
    ['a{3,2}', 'out of order'],
    ['a{1001}', 'repeat count above 1000'],
    ['(a)\\1', 'backreferences are not supported'],
    ['(?<name>a)', 'lookaround and named groups'],
    ['(?=a)', 'lookaround'],
    ['(?!a)', 'lookaround'],
    ['\\q', 'unknown escape'],
    ['\\x4', 'bad \\x escape'],
    ['[z-a]', 'range out of order'],
    ['[\\d-z]', 'class escape cannot bound a range'],
    ['a]', "']' must be escaped"],
    ['abc\\', 'lone backslash'],
  ])('refuses %j (%s)', (source, reason) => {
    const compiled = compilePattern(source);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.reason).toContain(reason);
  });

  it(`refuses patterns over ${MAX_PATTERN_STATES} states once repetitions are expanded`, () => {
    const compiled = compilePattern('(a{1000}){1000}');
    expect(compiled).toEqual({ ok: false, reason: 'pattern: too large once repetitions are expanded' });
  });
});
