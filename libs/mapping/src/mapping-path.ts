import { hasOwn, isJsonObject, JsonObject, JsonPrimitive, JsonValue, setOwn } from './json-value';

/**
 * Paths into a JSON document, as written in mapping configs:
 *
 * - `a.b.c`: object keys (letters, digits, `_`, `$`, `@`, `-`); other keys as `['first name']`;
 * - `a[0]`: an array element;
 * - `a[system='phone']`, `a[rank=1]`, `a[active=true]`, `a[period=null]`: the first element of an array
 *   matching the filter; the left side may be a relative path (`identifier[type.coding[0].code='MR']`)
 *   and filters combine with `and` (`telecom[system='phone' and use='home']`).
 *
 * Arrays are never entered implicitly: `name.family` on an array of names reads nothing.
 */
export type PathStep =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'filter'; readonly conditions: readonly FilterCondition[] };

export type FilterStep =
  { readonly kind: 'key'; readonly key: string } | { readonly kind: 'index'; readonly index: number };

export interface FilterCondition {
  readonly path: readonly FilterStep[];
  readonly value: JsonPrimitive;
}

export interface CompiledPath {
  readonly text: string;
  readonly steps: readonly PathStep[];
}

/**
 * The largest index a path may name. Writing `a[n]` pads the array up to n, so a large n in a config
 * would allocate that much on every message.
 */
export const MAX_PATH_INDEX = 9999;

/** Keys that reach an object's prototype; refused everywhere in paths. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

const NAME_CHAR = /[A-Za-z0-9_$@-]/;

export type PathParse = { ok: true; path: CompiledPath } | { ok: false; reason: string };

class PathSyntaxError extends Error {}

export function parsePath(text: string): PathParse {
  try {
    return { ok: true, path: { text, steps: Object.freeze(new PathParser(text).parse()) } };
  } catch (error) {
    if (error instanceof PathSyntaxError) return { ok: false, reason: error.message };
    throw error;
  }
}

class PathParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parse(): PathStep[] {
    if (this.text.length === 0) this.fail('is empty');
    const steps: PathStep[] = [];
    if (this.peek() === '[') {
      const first = this.bracket();
      if (first.kind !== 'key') this.fail('must start with a key');
      steps.push(first);
    } else {
      steps.push({ kind: 'key', key: this.name() });
    }
    while (this.pos < this.text.length) {
      const previous = steps[steps.length - 1];
      const char = this.peek();
      if (char === '.') {
        this.pos++;
        steps.push({ kind: 'key', key: this.name() });
      } else if (char === '[') {
        const at = this.pos;
        const step = this.bracket();
        if (previous.kind === 'filter' && step.kind !== 'key') {
          // A filter selects one element (an object); only a key can follow it.
          this.fail(`cannot index or filter the element a filter selected (at ${at})`);
        }
        steps.push(step);
      } else {
        this.fail(`has an unexpected character at ${this.pos}`);
      }
    }
    return steps;
  }

  private bracket(): PathStep {
    const start = this.pos;
    this.pos++; // '['
    this.skipSpaces();
    const char = this.peek();
    let step: PathStep;
    if (char === "'" || char === '"') {
      step = { kind: 'key', key: this.checkedKey(this.quoted()) };
    } else if (/[0-9]/.test(char) && /^\d+\s*\]/.test(this.text.slice(this.pos))) {
      step = { kind: 'index', index: this.index() };
    } else if (/^\d+\s*$/.test(this.text.slice(this.pos))) {
      this.fail(`has an unclosed '[' at ${start}`);
    } else if (char === '-') {
      this.fail(`has a negative index at ${this.pos}`);
    } else {
      step = { kind: 'filter', conditions: this.conditions() };
    }
    this.skipSpaces();
    if (this.peek() !== ']') this.fail(`has an unclosed '[' at ${start}`);
    this.pos++;
    return step;
  }

  private index(): number {
    const match = /^\d+/.exec(this.text.slice(this.pos));
    const digits = match ? match[0] : '';
    this.pos += digits.length;
    const index = Number(digits);
    if (index > MAX_PATH_INDEX) this.fail(`has an index above ${MAX_PATH_INDEX}`);
    return index;
  }

  private conditions(): FilterCondition[] {
    const conditions: FilterCondition[] = [];
    for (;;) {
      const path = this.relativePath();
      this.skipSpaces();
      if (this.peek() !== '=') this.fail(`expects '=' in a filter at ${this.pos}`);
      this.pos++;
      this.skipSpaces();
      const value = this.literal();
      const key = JSON.stringify(path);
      if (conditions.some((existing) => JSON.stringify(existing.path) === key)) {
        this.fail('has a filter that tests the same field twice');
      }
      conditions.push({ path, value });
      this.skipSpaces();
      if (!/^and\s/.test(this.text.slice(this.pos))) return conditions;
      this.pos += 3;
      this.skipSpaces();
    }
  }

  private relativePath(): FilterStep[] {
    const steps: FilterStep[] = [{ kind: 'key', key: this.name() }];
    for (;;) {
      if (this.peek() === '.') {
        this.pos++;
        steps.push({ kind: 'key', key: this.name() });
      } else if (this.peek() === '[' && /^\[\s*\d+\s*\]/.test(this.text.slice(this.pos))) {
        this.pos++;
        this.skipSpaces();
        steps.push({ kind: 'index', index: this.index() });
        this.skipSpaces();
        this.pos++; // ']'
      } else {
        return steps;
      }
    }
  }

  private literal(): JsonPrimitive {
    const char = this.peek();
    if (char === "'" || char === '"') return this.quoted();
    const match = /^(true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.text.slice(this.pos));
    if (!match) this.fail(`expects a quoted string, a number, true, false or null at ${this.pos}`);
    this.pos += match[0].length;
    return match[0] === 'true'
      ? true
      : match[0] === 'false'
        ? false
        : match[0] === 'null'
          ? null
          : Number(match[0]);
  }

  private quoted(): string {
    const quote = this.text[this.pos];
    const start = this.pos;
    this.pos++;
    let value = '';
    while (this.pos < this.text.length) {
      const char = this.text[this.pos];
      if (char === '\\') {
        const next = this.text[this.pos + 1];
        if (next !== quote && next !== '\\') this.fail(`has an unknown escape at ${this.pos}`);
        value += next;
        this.pos += 2;
      } else if (char === quote) {
        this.pos++;
        return value;
      } else {
        value += char;
        this.pos++;
      }
    }
    this.fail(`has an unterminated string at ${start}`);
  }

  private name(): string {
    const start = this.pos;
    while (this.pos < this.text.length && NAME_CHAR.test(this.text[this.pos])) this.pos++;
    if (this.pos === start) this.fail(`expects a key at ${start}`);
    return this.checkedKey(this.text.slice(start, this.pos));
  }

  private checkedKey(key: string): string {
    if (FORBIDDEN_KEYS.has(key)) this.fail(`uses the forbidden key "${key}"`);
    return key;
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private fail(problem: string): never {
    throw new PathSyntaxError(`path ${problem}`);
  }
}

/** Reads the value at a path; undefined when any step finds nothing. Never throws. */
export function readPath(root: unknown, path: CompiledPath | readonly PathStep[]): unknown {
  const steps = 'steps' in path ? path.steps : path;
  let current: unknown = root;
  for (const step of steps) {
    if (current === undefined) return undefined;
    current = readStep(current, step);
  }
  return current;
}

function readStep(current: unknown, step: PathStep): unknown {
  switch (step.kind) {
    case 'key':
      return isJsonObject(current) && hasOwn(current, step.key) ? current[step.key] : undefined;
    case 'index':
      return Array.isArray(current) ? current[step.index] : undefined;
    case 'filter':
      return Array.isArray(current) ? current.find((item) => matches(item, step.conditions)) : undefined;
  }
}

function matches(item: unknown, conditions: readonly FilterCondition[]): boolean {
  return conditions.every((condition) => readPath(item, condition.path) === condition.value);
}

export type PathWrite = { ok: true; paddedArray: boolean } | { ok: false; reason: string };

/**
 * Writes a value at a path, creating the objects and arrays on the way: a key step creates an
 * object, an index or filter step an array; an index past the end pads the array with null
 * (`paddedArray` says so); a filter that matches nothing appends an element with the filter's
 * fields set, so writing `telecom[system='phone'].value` creates `{system: 'phone', value}`.
 * Something of the wrong kind on the way (a string where an object is needed) is never replaced:
 * the write fails with a reason naming the path and the kinds, not the values.
 */
export function writePath(root: JsonObject, path: CompiledPath, value: JsonValue): PathWrite {
  let container: JsonObject | JsonValue[] = root;
  let paddedArray = false;
  const { steps } = path;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const next = steps[i + 1];
    const here = (): string => formatPath(steps.slice(0, i + 1));
    const parent = (): string => (i === 0 ? 'the document root' : formatPath(steps.slice(0, i)));
    let child: JsonValue | undefined;
    if (step.kind === 'key') {
      if (Array.isArray(container)) return conflict(parent(), 'an array', 'an object');
      if (next === undefined) {
        setOwn(container, step.key, value);
        return { ok: true, paddedArray };
      }
      child = hasOwn(container, step.key) ? container[step.key] : undefined;
      if (child === undefined || child === null) {
        child = next.kind === 'key' ? {} : [];
        setOwn(container, step.key, child);
      }
    } else {
      if (!Array.isArray(container)) return conflict(parent(), 'an object', 'an array');
      const array: JsonValue[] = container;
      if (step.kind === 'index') {
        while (array.length < step.index) {
          array.push(null);
          paddedArray = true;
        }
        if (next === undefined) {
          array[step.index] = value;
          return { ok: true, paddedArray };
        }
        child = array[step.index];
        if (child === undefined || child === null) {
          child = next.kind === 'key' ? {} : [];
          array[step.index] = child;
        }
      } else {
        const position = array.findIndex((item) => matches(item, step.conditions));
        if (next === undefined) {
          // The whole element is replaced; it keeps matching the filter that named it.
          if (!isJsonObject(value)) {
            return { ok: false, reason: `cannot write ${here()}: a filtered element must be an object` };
          }
          const element = { ...value };
          const filled = fillConditions(element, step.conditions);
          if (!filled.ok) return filled;
          if (position >= 0) array[position] = element;
          else array.push(element);
          return { ok: true, paddedArray };
        }
        if (position >= 0) {
          child = array[position];
        } else {
          const element: JsonObject = {};
          const filled = fillConditions(element, step.conditions);
          if (!filled.ok) return filled;
          array.push(element);
          child = element;
        }
      }
    }
    if (next.kind === 'key' ? isJsonObject(child) : Array.isArray(child)) {
      container = child as JsonObject | JsonValue[];
    } else {
      return conflict(here(), describeContainer(child), next.kind === 'key' ? 'an object' : 'an array');
    }
  }
  // Unreachable: the loop returns at the last step, and paths have at least one step.
  return { ok: false, reason: 'path has no steps' };
}

function fillConditions(element: JsonObject, conditions: readonly FilterCondition[]): PathWrite {
  for (const condition of conditions) {
    const written = writePath(element, { text: '', steps: condition.path }, condition.value);
    if (!written.ok) return written;
  }
  return { ok: true, paddedArray: false };
}

function describeContainer(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function conflict(where: string, found: string, wanted: string): PathWrite {
  return { ok: false, reason: `cannot write below ${where}: it holds ${found}, not ${wanted}` };
}

/** Writes steps back as path text (for messages). */
export function formatPath(steps: readonly PathStep[]): string {
  let text = '';
  for (const step of steps) {
    if (step.kind === 'key') {
      text += /^[A-Za-z0-9_$@-]+$/.test(step.key) ? `${text ? '.' : ''}${step.key}` : `[${quote(step.key)}]`;
    } else if (step.kind === 'index') {
      text += `[${step.index}]`;
    } else {
      const conditions = step.conditions.map(
        (condition) =>
          `${formatPath(condition.path)}=${typeof condition.value === 'string' ? quote(condition.value) : String(condition.value)}`,
      );
      text += `[${conditions.join(' and ')}]`;
    }
  }
  return text;
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
