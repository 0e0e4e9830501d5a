import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateFhirResource } from '@meridian/fhir';
import { decodeHl7Bytes, splitBatch } from '@meridian/hl7';
import { convertHl7ToFhir } from './convert';
import { allStrings, GOLDEN, parse } from './test-support';

/**
 * Golden files: fixtures/golden/<name>.hl7 → <name>.bundle.json (the Bundle) and
 * <name>.warnings.json. A batch file gives <name>.<n>.bundle.json per message. Regenerate with
 * UPDATE_GOLDEN=1 (then formatted by prettier); review the diff before committing.
 */
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface Case {
  name: string;
  text: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const file of readdirSync(GOLDEN)
    .filter((f) => f.endsWith('.hl7'))
    .sort()) {
    const name = file.slice(0, -'.hl7'.length);
    const text = decodeHl7Bytes(readFileSync(join(GOLDEN, file)));
    if (name.startsWith('batch_')) {
      const batch = splitBatch(text);
      if (!batch.ok) throw new Error(`${file}: ${batch.error.reason}`);
      batch.batch.messages.forEach((message, i) => out.push({ name: `${name}.${i + 1}`, text: message }));
    } else {
      out.push({ name, text });
    }
  }
  return out;
}

const all = cases();

describe('golden bundles', () => {
  afterAll(() => {
    // Written files go through the repository's prettier so that `prettier --check .` stays green.
    if (UPDATE) {
      execFileSync(process.execPath, [
        require.resolve('prettier/bin/prettier.cjs'),
        '--write',
        GOLDEN,
        '--log-level',
        'warn',
      ]);
    }
  });

  it('cover every message type with several messages', () => {
    const count = (prefix: string) => all.filter((c) => c.name.startsWith(prefix)).length;
    for (const prefix of [
      'adt_a01',
      'adt_a02',
      'adt_a03',
      'adt_a04',
      'adt_a08',
      'orm_o01',
      'oru_r01',
      'siu_s1',
      'mdm_t02',
    ]) {
      expect([prefix, count(prefix) >= 2]).toEqual([prefix, true]);
    }
  });

  it.each(all.map((c) => [c.name, c] as const))('%s', (_name, { name, text }) => {
    const result = convertHl7ToFhir(parse(text));
    if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.reason}`);
    const bundlePath = join(GOLDEN, `${name}.bundle.json`);
    const warningsPath = join(GOLDEN, `${name}.warnings.json`);
    if (UPDATE) {
      writeFileSync(bundlePath, `${JSON.stringify(result.bundle, null, 2)}\n`);
      writeFileSync(warningsPath, `${JSON.stringify(result.warnings, null, 2)}\n`);
    }
    // Same values and the same key order as the file (whitespace is prettier's business).
    expect(JSON.stringify(result.bundle)).toBe(JSON.stringify(JSON.parse(readFileSync(bundlePath, 'utf8'))));
    expect(result.warnings).toEqual(JSON.parse(readFileSync(warningsPath, 'utf8')));

    const validation = validateFhirResource(result.bundle);
    expect(validation.issues.filter((i) => i.severity === 'error')).toEqual([]);
    for (const entry of result.bundle.entry ?? []) {
      expect([entry.resource?.resourceType, validateFhirResource(entry.resource).valid]).toEqual([
        entry.resource?.resourceType,
        true,
      ]);
    }
    expect(allStrings(result.bundle).filter((s) => s.includes('""') && !s.startsWith('Z'))).toEqual([]);
    // Reprocessing gives the same bytes: ids, fullUrls and conditional URLs are derived, never random.
    const again = convertHl7ToFhir(parse(text));
    expect(again.ok && JSON.stringify(again.bundle)).toBe(JSON.stringify(result.bundle));
  });
});
