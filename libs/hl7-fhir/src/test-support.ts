import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateFhirResource } from '@meridian/fhir';
import { decodeHl7Bytes, type Hl7Message, parseHl7 } from '@meridian/hl7';
import { convertHl7ToFhir } from './convert';
import type { ConversionResult, ConversionWarning, ConvertOptions } from './types';

/** Test-only helpers (not exported from index.ts). */

export const SHARED_SAMPLES = join(__dirname, '..', '..', 'hl7', 'fixtures');
export const GOLDEN = join(__dirname, '..', 'fixtures', 'golden');

/** Builds ER7 from lines (segments end with CR as on the wire). */
export const er7 = (...lines: string[]): string => lines.join('\r') + '\r';

export function parse(text: string): Hl7Message {
  const parsed = parseHl7(text);
  if (!parsed.ok) throw new Error(`test message does not parse: ${parsed.error.reason}`);
  return parsed.message;
}

export function sampleMessage(name: string): Hl7Message {
  return parse(decodeHl7Bytes(readFileSync(join(SHARED_SAMPLES, name))));
}

export interface Converted {
  bundle: fhir4.Bundle;
  warnings: ConversionWarning[];
  /** Resources of a type, in bundle order. */
  all<T extends fhir4.FhirResource['resourceType']>(
    type: T,
  ): Extract<fhir4.FhirResource, { resourceType: T }>[];
  /** The only resource of a type (throws when there is not exactly one). */
  one<T extends fhir4.FhirResource['resourceType']>(
    type: T,
  ): Extract<fhir4.FhirResource, { resourceType: T }>;
  entry(resource: fhir4.FhirResource): fhir4.BundleEntry;
  /** The resource a reference points at. */
  resolve(ref: fhir4.Reference | undefined): fhir4.FhirResource | undefined;
}

export function converted(result: ConversionResult): Converted {
  if (!result.ok) throw new Error(`conversion failed: ${result.error.code} ${result.error.reason}`);
  const { bundle, warnings } = result;
  const entries = bundle.entry ?? [];
  const all = <T extends fhir4.FhirResource['resourceType']>(type: T) =>
    entries.map((e) => e.resource).filter((r) => r?.resourceType === type) as Extract<
      fhir4.FhirResource,
      { resourceType: T }
    >[];
  return {
    bundle,
    warnings,
    all,
    one: (type) => {
      const found = all(type);
      if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
      return found[0];
    },
    entry: (resource) => {
      const e = entries.find((x) => x.resource === resource);
      if (!e) throw new Error('resource not in bundle');
      return e;
    },
    resolve: (ref) =>
      entries.find((e) => ref?.reference !== undefined && e.fullUrl === ref.reference)?.resource,
  };
}

export function convertText(text: string, options?: ConvertOptions): Converted {
  return converted(convertHl7ToFhir(parse(text), options));
}

export function convertSample(name: string, options?: ConvertOptions): Converted {
  return converted(convertHl7ToFhir(sampleMessage(name), options));
}

/** Every string anywhere in a value (keys excluded). */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) allStrings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) allStrings(v, out);
  return out;
}

/** A segment from its non-empty fields by number, so tests need not count delimiters: seg('PV1', { 2: 'I', 19: 'V1' }). */
export function seg(name: string, fields: Record<number, string>): string {
  const max = Math.max(0, ...Object.keys(fields).map(Number));
  const parts = [name];
  for (let i = 1; i <= max; i++) parts.push(fields[i] ?? '');
  return parts.join('|');
}

/**
 * `count` seeded mutations of `messages` (cycled), each parsed and converted: what parses must
 * convert or be refused with a code, and what converts must be valid FHIR without a literal `""`
 * (the explicit null is a whole value; quotes inside a longer value are data and stay). Returns the
 * problems found and how many conversions ended in each outcome (`ok` or an error code).
 */
export function runMutations(
  messages: readonly string[],
  mutate: (text: string, random: () => number) => string,
  seed: number,
  count: number,
): { problems: string[]; outcomes: Record<string, number> } {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const outcomes: Record<string, number> = {};
  const problems: string[] = [];
  for (let i = 0; i < count; i++) {
    const parsed = parseHl7(mutate(messages[i % messages.length], random));
    if (!parsed.ok) continue;
    const result = convertHl7ToFhir(parsed.message);
    const outcome = result.ok ? 'ok' : result.error.code;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (!result.ok) continue;
    const validation = validateFhirResource(result.bundle);
    if (!validation.valid) {
      const issue = validation.issues.find((x) => x.severity === 'error');
      problems.push(`#${i} invalid: ${issue?.path} ${issue?.message}`);
    }
    if (allStrings(result.bundle).some((s) => s.trim() === '""')) problems.push(`#${i} has a literal ""`);
  }
  return { problems, outcomes };
}
