import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { validateFhirResource } from '@meridian/fhir';
import {
  checkMessageStructure,
  checkRequiredFields,
  decodeHl7Bytes,
  parseHl7,
  splitBatch,
} from '@meridian/hl7';
import { convertHl7ToFhir, SUPPORTED_MESSAGE_TYPES } from '@meridian/hl7-fhir';

/**
 * The real-world corpus (fixtures/corpus): public HL7 v2 messages and the facts the HL7 V2-to-FHIR
 * IG gives for them. The unit spec, the HAPI int test, the end-to-end MLLP test and the conformance
 * report (tools/hl7-conformance) all read it through loadCorpus() and take it through runCorpusCase(),
 * so they agree on what each message must give.
 */

/** The repository root (the folder with nx.json), from sources under Jest or from dist/ under Node. */
function repositoryRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
  }
  throw new Error(`no nx.json above ${from}`);
}

export const CORPUS_DIR = join(repositoryRoot(__dirname), 'libs/hl7-fhir/fixtures/corpus');

/**
 * One checkable statement about the Bundle(s) a message gives, independent of resource ids.
 *
 * The resources of type `resource` are narrowed by `where` (every key is a path; a resource matches
 * when one value at that path matches the given value, see `matches`). Then:
 * - `count`: exactly that many resources match (`where` included);
 * - otherwise some matching resource has, at `path`, a value that `equals` (deep equality) or
 *   `contains` (a partial object/array match) the given value, or, with `exists: false`, no value.
 * Paths are dot-separated element names; arrays are flattened on the way (`code.coding.code`).
 */
export interface CorpusFact {
  resource: string;
  where?: Record<string, unknown>;
  path?: string;
  equals?: unknown;
  contains?: unknown;
  exists?: boolean;
  count?: number;
  /** Where the fact comes from (HL7 location, IG mapping), for the failure message. */
  from?: string;
}

export type CorpusExpectation =
  /** Converts to a Bundle (each message of a batch), and every fact holds. */
  | { refused?: false }
  /** Must be refused (parse error, intake structure check, or converter error — never INTERNAL_ERROR). */
  | { refused: true; reason: string };

export interface CorpusFactsFile {
  expect?: CorpusExpectation;
  facts?: CorpusFact[];
  /** Free text: what the message shows, and why a fact was left out. */
  notes?: string;
}

export interface CorpusCase {
  /** File name without `.hl7`, e.g. `adt_a01_rubyhl7_1`. */
  name: string;
  /** Path relative to the corpus directory, e.g. `ADT/adt_a01_rubyhl7_1.hl7`. */
  file: string;
  /** MSH-9 (message code and trigger) of the first message, e.g. `ADT^A01`; '' when there is no MSH. */
  type: string;
  /** The file as text (decoded per MSH-18, as the gateway does). */
  raw: string;
  /** The file's exact bytes (for MLLP tests). */
  bytes: Buffer;
  /** A batch file (FHS/BHS) or several messages in one file. */
  batch: boolean;
  /** The messages in order (one for a plain file; the split messages of a batch; [] when the batch does not split). */
  messages: string[];
  expect: CorpusExpectation;
  facts: CorpusFact[];
  notes?: string;
}

function hl7Files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return hl7Files(path);
      return entry.endsWith('.hl7') ? [path] : [];
    });
}

/** MSH-9.1^MSH-9.2 read with the message's own delimiters. */
export function messageType(text: string): string {
  const msh = text.split(/\r\n|\r|\n/).find((line) => line.startsWith('MSH'));
  if (!msh || msh.length < 8) return '';
  const field = msh[3];
  const component = msh[4];
  const msh9 = msh.split(field)[8] ?? '';
  return msh9.split(component).slice(0, 2).join('^');
}

function isBatch(text: string): boolean {
  const segments = text.split(/\r\n|\r|\n/);
  return (
    segments.some((s) => s.startsWith('FHS') || s.startsWith('BHS')) ||
    segments.filter((s) => s.startsWith('MSH')).length > 1
  );
}

/** Every corpus case, in file order. Throws on a facts file that does not parse (a broken fixture). */
export function loadCorpus(dir: string = CORPUS_DIR): CorpusCase[] {
  return hl7Files(dir).map((path) => {
    const bytes = readFileSync(path);
    const raw = decodeHl7Bytes(bytes);
    const factsPath = path.replace(/\.hl7$/, '.facts.json');
    let factsFile: CorpusFactsFile = {};
    try {
      factsFile = JSON.parse(readFileSync(factsPath, 'utf8')) as CorpusFactsFile;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`${factsPath}: ${(e as Error).message}`);
    }
    const batch = isBatch(raw);
    let messages = [raw];
    if (batch) {
      const split = splitBatch(raw);
      messages = split.ok ? split.batch.messages : [];
    }
    return {
      name: path
        .split('/')
        .pop()!
        .replace(/\.hl7$/, ''),
      file: relative(dir, path),
      type: messageType(raw),
      raw,
      bytes,
      batch,
      messages,
      expect: factsFile.expect ?? {},
      facts: factsFile.facts ?? [],
      notes: factsFile.notes,
    };
  });
}

// ---- checking facts against Bundles ----

/** Values at a dot path, arrays flattened at every step. */
export function valuesAt(value: unknown, path: string | undefined): unknown[] {
  let current: unknown[] = [value];
  for (const key of path ? path.split('.') : []) {
    current = current.flatMap((v) => {
      if (v === null || typeof v !== 'object') return [];
      const next = (v as Record<string, unknown>)[key];
      if (next === undefined) return [];
      return Array.isArray(next) ? next : [next];
    });
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/**
 * Partial match: a primitive equals; an object matches when each of its keys matches; an array
 * matches when each expected element matches some actual element (order and extras ignored).
 */
export function matches(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    const list = Array.isArray(actual) ? actual : [actual];
    return expected.every((e) => list.some((a) => matches(a, e)));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, v]) => matches((actual as Record<string, unknown>)[k], v));
  }
  return actual === expected;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function resourcesOf(bundles: fhir4.Bundle[], type: string): Record<string, unknown>[] {
  return bundles
    .flatMap((b) => b.entry ?? [])
    .map((e) => e.resource as unknown as Record<string, unknown> | undefined)
    .filter((r): r is Record<string, unknown> => r?.resourceType === type);
}

/** One line naming a fact, for failure messages (values included: they are public test data). */
export function describeFact(fact: CorpusFact): string {
  const where = fact.where ? ` where ${JSON.stringify(fact.where)}` : '';
  let what: string;
  if (fact.count !== undefined) what = `count = ${fact.count}`;
  else if (fact.equals !== undefined) what = `${fact.path} = ${JSON.stringify(fact.equals)}`;
  else if (fact.contains !== undefined) what = `${fact.path} ∋ ${JSON.stringify(fact.contains)}`;
  else what = `${fact.path} ${fact.exists === false ? 'absent' : 'present'}`;
  return `${fact.resource}${where}: ${what}${fact.from ? ` (${fact.from})` : ''}`;
}

/** undefined when the fact holds, else what was found instead (short). */
export function checkFact(bundles: fhir4.Bundle[], fact: CorpusFact): string | undefined {
  const all = resourcesOf(bundles, fact.resource);
  const candidates = all.filter((r) =>
    Object.entries(fact.where ?? {}).every(([path, expected]) =>
      valuesAt(r, path).some((v) => matches(v, expected)),
    ),
  );
  if (fact.count !== undefined) {
    return candidates.length === fact.count ? undefined : `found ${candidates.length}`;
  }
  if (candidates.length === 0) {
    return all.length === 0
      ? `no ${fact.resource} in the Bundle`
      : `no ${fact.resource} matches the where clause`;
  }
  const holds = (r: Record<string, unknown>): boolean => {
    const values = valuesAt(r, fact.path);
    if (fact.equals !== undefined) return values.some((v) => deepEqual(v, fact.equals));
    if (fact.contains !== undefined) return values.some((v) => matches(v, fact.contains));
    return fact.exists === false ? values.length === 0 : values.length > 0;
  };
  if (candidates.some(holds)) return undefined;
  const found = candidates.flatMap((r) => valuesAt(r, fact.path)).slice(0, 3);
  return `found ${found.length ? JSON.stringify(found).slice(0, 300) : 'nothing'} at ${fact.path}`;
}

// ---- taking a case through the platform's steps ----

export type CorpusOutcome =
  | { kind: 'converted'; bundles: fhir4.Bundle[] }
  | { kind: 'refused'; where: string; code: string; reason: string };

/**
 * What the platform does with a case, without Kafka: parse each message, check its type and
 * structure (the gateway's intake with its default settings), then convert (the transformer), with libs/fhir's validation unless
 * `validate` is false (to look at the Bundles a validator would have refused). The first refusal ends it.
 */
export function runCorpusCase(c: CorpusCase, options: { validate?: boolean } = {}): CorpusOutcome {
  if (c.messages.length === 0)
    return { kind: 'refused', where: 'batch', code: 'BATCH', reason: 'the batch does not split' };
  const bundles: fhir4.Bundle[] = [];
  for (const [i, text] of c.messages.entries()) {
    const at = c.batch ? `message ${i + 1} ` : '';
    const parsed = parseHl7(text);
    if (!parsed.ok)
      return {
        kind: 'refused',
        where: `${at}parse`,
        code: String(parsed.error.code),
        reason: parsed.error.reason,
      };
    // The gateway accepts by default exactly the types the converter converts.
    const { code, trigger } = parsed.message.messageType;
    if (!SUPPORTED_MESSAGE_TYPES.includes(`${code}^${trigger}`)) {
      const knownCode = SUPPORTED_MESSAGE_TYPES.some((type) => type.startsWith(`${code}^`));
      return {
        kind: 'refused',
        where: `${at}intake`,
        code: knownCode ? '201' : '200',
        reason: 'message type not accepted',
      };
    }
    const structure = checkMessageStructure(parsed.message) ?? checkRequiredFields(parsed.message);
    if (structure)
      return {
        kind: 'refused',
        where: `${at}intake`,
        code: String(structure.code),
        reason: structure.reason,
      };
    const result = convertHl7ToFhir(
      parsed.message,
      options.validate === false ? {} : { validate: validateFhirResource },
    );
    if (!result.ok)
      return {
        kind: 'refused',
        where: `${at}convert`,
        code: result.error.code,
        reason: `${result.error.reason}${result.error.location ? ` @ ${result.error.location}` : ''}`,
      };
    bundles.push(result.bundle);
  }
  return { kind: 'converted', bundles };
}
