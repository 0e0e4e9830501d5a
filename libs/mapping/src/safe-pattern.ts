/**
 * Regular expressions from configs, matched in time linear in the input.
 *
 * JavaScript's RegExp backtracks: `(a+)+$` takes seconds on 30 characters and `a*a*b` minutes on ten
 * thousand, and a running RegExp cannot be interrupted. So patterns from configs (`validate.pattern`,
 * `$test()` in expressions) are compiled here into a Thompson NFA and run by simulating all states at
 * once: O(input length × pattern size), whatever the pattern.
 *
 * The syntax is JavaScript's without the features that need backtracking: literals and escapes
 * (`\d \D \w \W \s \S \t \n \r \f \v \0 \xHH \uHHHH` and escaped punctuation), `.`, classes
 * (`[a-z_]`, `[^0-9]`), groups (`(…)`, `(?:…)`), alternation `|`, quantifiers `* + ? {n} {n,} {n,m}`
 * (lazy forms accepted; they do not change whether a string matches), anchors `^ $` and word
 * boundaries `\b \B`. Refused: backreferences, lookaround, named groups, flags. The match is a
 * search, as `RegExp.prototype.test`: anchor with `^…$` to match the whole value.
 */
export interface SafePattern {
  readonly source: string;
  test(input: string): boolean;
}

/** A pattern larger than this many NFA states is refused (counted repetition multiplies states). */
export const MAX_PATTERN_STATES = 10_000;
/** The largest bound in `{n,m}`. */
export const MAX_REPEAT = 1000;

export type PatternCompile = { ok: true; pattern: SafePattern } | { ok: false; reason: string };

export function compilePattern(source: string): PatternCompile {
  try {
    const ast = new PatternParser(source).parse();
    const states: State[] = [];
    const accept = push(states, { kind: 'match' });
    const start = build(ast, accept, states);
    return { ok: true, pattern: new NfaPattern(source, states, start) };
  } catch (error) {
    if (error instanceof PatternError) return { ok: false, reason: error.message };
    throw error;
  }
}

class PatternError extends Error {}

type CharTest = (code: number) => boolean;
type AssertionKind = 'start' | 'end' | 'boundary' | 'notBoundary';

type Node =
  | { kind: 'empty' }
  | { kind: 'char'; test: CharTest }
  | { kind: 'assert'; assertion: AssertionKind }
  | { kind: 'sequence'; items: Node[] }
  | { kind: 'alternation'; options: Node[] }
  | { kind: 'repeat'; item: Node; min: number; max: number };

type State =
  | { kind: 'match' }
  | { kind: 'char'; test: CharTest; next: number }
  | { kind: 'assert'; assertion: AssertionKind; next: number }
  | { kind: 'split'; first: number; second: number };

const isDigit: CharTest = (code) => code >= 48 && code <= 57;
const isWord: CharTest = (code) =>
  isDigit(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
// Exactly the code points JavaScript's \s matches; a one-character RegExp test cannot backtrack.
const isSpace: CharTest = (code) => /\s/.test(String.fromCharCode(code));
const isLineTerminator: CharTest = (code) => code === 10 || code === 13 || code === 0x2028 || code === 0x2029;
const not =
  (test: CharTest): CharTest =>
  (code) =>
    !test(code);

class PatternParser {
  private pos = 0;

  constructor(private readonly source: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.source.length) this.fail(`unmatched ')' at ${this.pos}`);
    return node;
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { kind: 'alternation', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.pos < this.source.length && this.peek() !== '|' && this.peek() !== ')') {
      const atomAt = this.pos;
      const atom = this.atom();
      items.push(this.quantified(atom, atomAt));
    }
    return items.length === 1 ? items[0] : { kind: 'sequence', items };
  }

  private quantified(atom: Node, atomAt: number): Node {
    let min: number;
    let max: number;
    const char = this.peek();
    if (char === '*') [min, max] = [0, Infinity];
    else if (char === '+') [min, max] = [1, Infinity];
    else if (char === '?') [min, max] = [0, 1];
    else if (char === '{') [min, max] = this.braces();
    else return atom;
    if (char !== '{') this.pos++;
    if (this.peek() === '?') this.pos++; // lazy: same set of matching strings
    if (atom.kind === 'assert') this.fail(`nothing to repeat at ${atomAt}`);
    if (this.pos < this.source.length && '*+?{'.includes(this.peek())) {
      this.fail(`nothing to repeat at ${this.pos}`);
    }
    return { kind: 'repeat', item: atom, min, max };
  }

  private braces(): [number, number] {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.pos));
    if (!match) this.fail(`'{' must be escaped or be a quantifier {n}, {n,} or {n,m} at ${this.pos}`);
    this.pos += match[0].length;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) {
      this.fail(`repeat count above ${MAX_REPEAT}`);
    }
    if (max < min) this.fail('quantifier range out of order');
    return [min, max];
  }

  private atom(): Node {
    const char = this.source[this.pos];
    if (char === '(') return this.group();
    if (char === '[') return { kind: 'char', test: this.characterClass() };
    if (char === '\\') return this.escapeAtom();
    if ('*+?{'.includes(char)) this.fail(`nothing to repeat at ${this.pos}`);
    if (char === ']' || char === '}') this.fail(`'${char}' must be escaped at ${this.pos}`);
    this.pos++;
    if (char === '.') return { kind: 'char', test: not(isLineTerminator) };
    if (char === '^') return { kind: 'assert', assertion: 'start' };
    if (char === '$') return { kind: 'assert', assertion: 'end' };
    const code = char.charCodeAt(0);
    return { kind: 'char', test: (c) => c === code };
  }

  private group(): Node {
    const start = this.pos;
    this.pos++;
    if (this.peek() === '?') {
      if (this.source[this.pos + 1] !== ':') {
        this.fail(`lookaround and named groups are not supported (at ${start})`);
      }
      this.pos += 2;
    }
    const node = this.alternation();
    if (this.peek() !== ')') this.fail(`unclosed group at ${start}`);
    this.pos++;
    return node;
  }

  private escapeAtom(): Node {
    const next = this.source[this.pos + 1];
    if (next === 'b' || next === 'B') {
      this.pos += 2;
      return { kind: 'assert', assertion: next === 'b' ? 'boundary' : 'notBoundary' };
    }
    return { kind: 'char', test: this.escape(false)[0] };
  }

  /**
   * Reads an escape at a backslash: its test, and its code when it stands for one character (so it can bound
   * a range in a class). Inside a class `\b` is backspace, as in JavaScript.
   */
  private escape(inClass: boolean): [CharTest, number | undefined] {
    const at = this.pos;
    const char = this.source[this.pos + 1];
    if (char === undefined) this.fail('pattern ends with a lone backslash');
    this.pos += 2;
    const classes: Record<string, CharTest> = {
      d: isDigit,
      D: not(isDigit),
      w: isWord,
      W: not(isWord),
      s: isSpace,
      S: not(isSpace),
    };
    if (Object.hasOwn(classes, char)) return [classes[char], undefined];
    const controls: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };
    if (Object.hasOwn(controls, char)) return single(controls[char]);
    if (char === 'b' && inClass) return single(8);
    if (char === '0' && !/[0-9]/.test(this.peek())) return single(0);
    if (char === 'x' || char === 'u') {
      const length = char === 'x' ? 2 : 4;
      const hex = this.source.slice(this.pos, this.pos + length);
      if (!(hex.length === length && /^[0-9a-fA-F]+$/.test(hex))) this.fail(`bad \\${char} escape at ${at}`);
      this.pos += length;
      return single(parseInt(hex, 16));
    }
    if (/[\^$\\.*+?()[\]{}|/-]/.test(char)) return single(char.charCodeAt(0));
    if (/[1-9]/.test(char) || char === 'k') this.fail(`backreferences are not supported (at ${at})`);
    this.fail(`unknown escape \\${char} at ${at}`);
  }

  private characterClass(): CharTest {
    const start = this.pos;
    this.pos++;
    const negated = this.peek() === '^';
    if (negated) this.pos++;
    const tests: CharTest[] = [];
    while (this.peek() !== ']') {
      if (this.pos >= this.source.length) this.fail(`unclosed '[' at ${start}`);
      const [lowTest, low] = this.classAtom();
      if (this.peek() === '-' && this.source[this.pos + 1] !== ']' && this.pos + 1 < this.source.length) {
        const dashAt = this.pos;
        this.pos++;
        const [, high] = this.classAtom();
        if (low === undefined || high === undefined) {
          this.fail(`a class escape cannot bound a range (at ${dashAt})`);
        }
        if (high < low) this.fail(`range out of order at ${dashAt}`);
        tests.push((code) => code >= low && code <= high);
      } else {
        tests.push(lowTest);
      }
    }
    this.pos++;
    const inClass: CharTest = (code) => tests.some((test) => test(code));
    return negated ? not(inClass) : inClass;
  }

  /** One class member: its test, and its code when it is a single character. */
  private classAtom(): [CharTest, number | undefined] {
    if (this.peek() === '\\') return this.escape(true);
    const code = this.source.charCodeAt(this.pos);
    this.pos++;
    return single(code);
  }

  private peek(): string {
    return this.source[this.pos] ?? '';
  }

  private fail(problem: string): never {
    throw new PatternError(`pattern: ${problem}`);
  }
}

function single(code: number): [CharTest, number] {
  return [(c) => c === code, code];
}

function push(states: State[], state: State): number {
  if (states.length >= MAX_PATTERN_STATES) {
    throw new PatternError('pattern: too large once repetitions are expanded');
  }
  states.push(state);
  return states.length - 1;
}

/** Builds the states for a node that continue at `next`; returns the node's first state. */
function build(node: Node, next: number, states: State[]): number {
  switch (node.kind) {
    case 'empty':
      return next;
    case 'char':
      return push(states, { kind: 'char', test: node.test, next });
    case 'assert':
      return push(states, { kind: 'assert', assertion: node.assertion, next });
    case 'sequence': {
      let start = next;
      for (let i = node.items.length - 1; i >= 0; i--) start = build(node.items[i], start, states);
      return start;
    }
    case 'alternation': {
      const starts = node.options.map((option) => build(option, next, states));
      let start = starts[starts.length - 1];
      for (let i = starts.length - 2; i >= 0; i--)
        start = push(states, { kind: 'split', first: starts[i], second: start });
      return start;
    }
    case 'repeat': {
      let start = next;
      if (node.max === Infinity) {
        const loop = push(states, { kind: 'split', first: -1, second: next });
        const body = build(node.item, loop, states);
        states[loop] = { kind: 'split', first: body, second: next };
        start = loop;
      } else {
        for (let i = node.min; i < node.max; i++) {
          start = push(states, { kind: 'split', first: build(node.item, start, states), second: next });
        }
      }
      for (let i = 0; i < node.min; i++) start = build(node.item, start, states);
      return start;
    }
  }
}

class NfaPattern implements SafePattern {
  constructor(
    readonly source: string,
    private readonly states: readonly State[],
    private readonly start: number,
  ) {}

  test(input: string): boolean {
    const seen = new Int32Array(this.states.length).fill(-1);
    let generation = 0;
    let current: number[] = [];
    for (let pos = 0; pos <= input.length; pos++) {
      // Every position may begin a match: that is what makes this a search.
      if (this.addState(current, seen, generation, this.start, input, pos)) return true;
      if (pos === input.length) return false;
      const code = input.charCodeAt(pos);
      const next: number[] = [];
      generation++;
      for (const index of current) {
        const state = this.states[index];
        if (state.kind === 'char' && state.test(code)) {
          if (this.addState(next, seen, generation, state.next, input, pos + 1)) return true;
        }
      }
      current = next;
    }
    return false;
  }

  /** Adds a state and everything reachable without input; true when that reaches the match state. */
  private addState(
    list: number[],
    seen: Int32Array,
    generation: number,
    first: number,
    input: string,
    pos: number,
  ): boolean {
    const stack = [first];
    while (stack.length > 0) {
      const index = stack.pop() as number;
      if (seen[index] === generation) continue;
      seen[index] = generation;
      const state = this.states[index];
      switch (state.kind) {
        case 'match':
          return true;
        case 'char':
          list.push(index);
          break;
        case 'split':
          stack.push(state.second, state.first);
          break;
        case 'assert':
          if (holds(state.assertion, input, pos)) stack.push(state.next);
          break;
      }
    }
    return false;
  }
}

function holds(assertion: AssertionKind, input: string, pos: number): boolean {
  switch (assertion) {
    case 'start':
      return pos === 0;
    case 'end':
      return pos === input.length;
    case 'boundary':
    case 'notBoundary': {
      const before = pos > 0 && isWord(input.charCodeAt(pos - 1));
      const after = pos < input.length && isWord(input.charCodeAt(pos));
      return (before !== after) === (assertion === 'boundary');
    }
  }
}
