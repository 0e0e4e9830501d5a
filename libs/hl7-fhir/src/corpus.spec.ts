import { checkFact, describeFact, loadCorpus, runCorpusCase } from '@meridian/testing';

// The real-world corpus (fixtures/corpus, see its README): every message converts with its IG facts,
// or is refused as its facts file says — and nothing ends in INTERNAL_ERROR.

const corpus = loadCorpus();

describe('corpus facts checker', () => {
  const bundle: fhir4.Bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        resource: {
          resourceType: 'Patient',
          identifier: [{ system: 'urn:oid:1.2.3.4', value: 'A1' }],
          gender: 'female',
        },
      },
      {
        resource: {
          resourceType: 'Observation',
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: '1-8' }] },
          valueQuantity: { value: 5 },
        },
      },
    ],
  };
  const check = (fact: Parameters<typeof checkFact>[1]) => checkFact([bundle], fact);

  it('accepts facts that hold, whatever the resource ids', () => {
    expect(
      check({
        resource: 'Patient',
        path: 'identifier',
        contains: { value: 'A1', system: 'urn:oid:1.2.3.4' },
      }),
    ).toBeUndefined();
    expect(
      check({
        resource: 'Observation',
        where: { 'code.coding.code': '1-8' },
        path: 'valueQuantity.value',
        equals: 5,
      }),
    ).toBeUndefined();
    expect(check({ resource: 'Patient', path: 'birthDate', exists: false })).toBeUndefined();
    expect(check({ resource: 'Observation', count: 1 })).toBeUndefined();
  });

  it('reports facts that do not hold, saying what was found', () => {
    expect(
      check({ resource: 'Patient', path: 'identifier', contains: { value: 'A1', system: 'urn:oid:9.9' } }),
    ).toMatch(/found/);
    expect(check({ resource: 'Patient', path: 'gender', equals: 'male' })).toMatch(/"female"/);
    expect(
      check({
        resource: 'Observation',
        where: { 'code.coding.code': '2-6' },
        path: 'status',
        equals: 'final',
      }),
    ).toMatch(/where/);
    expect(check({ resource: 'Encounter', path: 'status', equals: 'finished' })).toMatch(/no Encounter/);
    expect(check({ resource: 'Observation', count: 2 })).toBe('found 1');
  });
});

describe('real-world corpus', () => {
  it('holds at least 110 public messages, each with a facts file', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(110);
    const withoutFacts = corpus
      .filter((c) => c.expect.refused !== true && c.facts.length === 0)
      .map((c) => c.file);
    expect(withoutFacts).toEqual([]);
  });

  it.each(corpus.map((c) => [c.file, c] as const))('%s', (_file, c) => {
    const outcome = runCorpusCase(c);
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
