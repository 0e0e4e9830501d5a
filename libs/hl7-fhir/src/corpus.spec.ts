import { checkMessageStructure, parseHl7 } from '@meridian/hl7';
import { validateFhirResource } from '@meridian/fhir';
import { convertHl7ToFhir } from './convert';
import { type CorpusCase, checkFact, describeFact, loadCorpus } from './corpus-support';
import type { ConversionResult } from './types';

// The real-world corpus (fixtures/corpus, see its README): every message converts with its IG facts,
// or is refused as its facts file says — and nothing ends in INTERNAL_ERROR.

type Outcome =
  | { kind: 'converted'; bundles: fhir4.Bundle[] }
  | { kind: 'refused'; where: string; code: string; reason: string };

/** Parse and check (per message of a batch), then convert, as the gateway and the transformer do. */
function run(c: CorpusCase): Outcome {
  if (c.messages.length === 0)
    return { kind: 'refused', where: 'batch', code: 'BATCH', reason: 'the batch does not split' };
  const bundles: fhir4.Bundle[] = [];
  for (const [i, text] of c.messages.entries()) {
    const at = c.batch ? `message ${i + 1}` : 'message';
    const parsed = parseHl7(text);
    if (!parsed.ok)
      return {
        kind: 'refused',
        where: `${at} parse`,
        code: String(parsed.error.code),
        reason: parsed.error.reason,
      };
    // The gateway's intake check (required segments per trigger event) runs before conversion.
    const structure = checkMessageStructure(parsed.message);
    if (structure)
      return {
        kind: 'refused',
        where: `${at} intake`,
        code: String(structure.code),
        reason: structure.reason,
      };
    const result: ConversionResult = convertHl7ToFhir(parsed.message, { validate: validateFhirResource });
    if (!result.ok)
      return {
        kind: 'refused',
        where: `${at} convert`,
        code: result.error.code,
        reason: `${result.error.reason} @ ${result.error.location ?? ''}`,
      };
    bundles.push(result.bundle);
  }
  return { kind: 'converted', bundles };
}

const corpus = loadCorpus();

describe('real-world corpus', () => {
  it('holds at least 110 public messages, each with a facts file', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(110);
    const withoutFacts = corpus
      .filter((c) => c.expect.refused !== true && c.facts.length === 0)
      .map((c) => c.file);
    expect(withoutFacts).toEqual([]);
  });

  it.each(corpus.map((c) => [c.file, c] as const))('%s', (_file, c) => {
    const outcome = run(c);
    if (outcome.kind === 'refused' && outcome.code === 'INTERNAL_ERROR') {
      throw new Error(`${c.file}: INTERNAL_ERROR (${outcome.where}): ${outcome.reason}`);
    }
    if (c.expect.refused === true) {
      if (outcome.kind === 'converted') {
        throw new Error(`${c.file}: converted, but must be refused: ${c.expect.reason}`);
      }
      return;
    }
    if (outcome.kind === 'refused') {
      throw new Error(`${c.file}: refused (${outcome.where}) ${outcome.code}: ${outcome.reason}`);
    }
    const failures = c.facts.flatMap((fact) => {
      const problem = checkFact(outcome.bundles, fact);
      return problem ? [`${describeFact(fact)} — ${problem}`] : [];
    });
    if (failures.length)
      throw new Error(`${c.file}: ${failures.length} fact(s) fail:\n  ${failures.join('\n  ')}`);
  });
});
