import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHl7Bytes, parseHl7, splitBatch } from '@meridian/hl7';
import {
  FHIR_SERVER_TIMEOUT_MS,
  fhirServer,
  hapiErrors,
  hapiValidate,
  loadCorpus,
  runCorpusCase,
} from '@meridian/testing';
import { convertHl7ToFhir } from './convert';
import { GOLDEN } from './test-support';

/**
 * HAPI FHIR's R4 validator as the oracle: every Bundle the converter writes for the golden messages
 * and for the real-world corpus must pass `$validate` with no error, as a strict FHIR server would
 * require before it accepts the transaction. The failure lists each error as HAPI words it.
 */

function goldenMessages(): { name: string; text: string }[] {
  return readdirSync(GOLDEN)
    .filter((f) => f.endsWith('.hl7'))
    .sort()
    .flatMap((file) => {
      const text = decodeHl7Bytes(readFileSync(join(GOLDEN, file)));
      if (!file.startsWith('batch_')) return [{ name: file, text }];
      const split = splitBatch(text);
      if (!split.ok) throw new Error(`${file}: ${split.error.reason}`);
      return split.batch.messages.map((m, i) => ({ name: `${file}[${i + 1}]`, text: m }));
    });
}

describe("HAPI FHIR's R4 validator accepts every Bundle the converter writes", () => {
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await fhirServer();
  }, FHIR_SERVER_TIMEOUT_MS);

  const errorsOf = async (name: string, bundle: fhir4.Bundle): Promise<string[]> =>
    hapiErrors(await hapiValidate(baseUrl, bundle)).map((e) => `${name}: ${e.location}: ${e.message}`);

  it('for the golden messages', async () => {
    const errors: string[] = [];
    let bundles = 0;
    for (const { name, text } of goldenMessages()) {
      const parsed = parseHl7(text);
      if (!parsed.ok) throw new Error(`${name}: ${parsed.error.reason}`);
      const result = convertHl7ToFhir(parsed.message);
      if (!result.ok) throw new Error(`${name}: ${result.error.code}`);
      bundles += 1;
      errors.push(...(await errorsOf(name, result.bundle)));
    }
    expect(bundles).toBeGreaterThan(30);
    expect(errors).toEqual([]);
  });

  it('for every message of the real-world corpus that converts', async () => {
    const errors: string[] = [];
    let bundles = 0;
    for (const c of loadCorpus()) {
      const outcome = runCorpusCase(c, { validate: false });
      if (outcome.kind !== 'converted') continue;
      for (const bundle of outcome.bundles) {
        bundles += 1;
        errors.push(...(await errorsOf(c.file, bundle)));
      }
    }
    expect(bundles).toBeGreaterThanOrEqual(90);
    expect(errors).toEqual([]);
  });

  it('refuses what the converter must never write, so a pass above means something', async () => {
    const issues = await hapiValidate(baseUrl, {
      resourceType: 'Patient',
      identifier: [{ system: 'urn:oid:2.4', value: '1' }],
      maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0002', code: 'Q' }] },
    } as fhir4.Patient);
    const locations = hapiErrors(issues).map((e) => e.location);
    expect(locations).toContain('Patient.identifier[0].system');
    expect(locations.some((l) => l.startsWith('Patient.maritalStatus'))).toBe(true);
  });
});
