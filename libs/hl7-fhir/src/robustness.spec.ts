import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateFhirResource } from '@meridian/fhir';
import { decodeHl7Bytes, parseHl7 } from '@meridian/hl7';
import { convertHl7ToFhir } from './convert';
import { allStrings, GOLDEN } from './test-support';

/**
 * Messages the engine has never seen: the golden messages mutated at random (seeded, so the run is
 * the same every time): delimiters inserted or removed, fields replaced by odd values, segments
 * dropped. Whatever parses must convert without an internal error, to valid FHIR, and no value is
 * the explicit null `""` itself.
 */
const ODD = [
  '|',
  '^',
  '~',
  '&',
  '\\',
  '""',
  '',
  'X',
  '2024',
  '202413',
  '19991231235959+2500',
  '<',
  '>=',
  'NM',
  'SN',
  'CE',
  'ED',
  'TX',
  '\\X41\\',
  '\\.br\\',
  ' ',
  '0',
  '1.5',
  'H~L',
  '^^^^',
  'R01',
  'S12',
  'T02',
];

function mutate(text: string, random: () => number): string {
  const lines = text.split('\r').filter(Boolean);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  for (let n = 1 + Math.floor(random() * 5); n > 0; n--) {
    const i = Math.floor(random() * lines.length);
    const line = lines[i];
    const at = 4 + Math.floor(random() * Math.max(1, line.length - 4));
    const op = random();
    if (op < 0.4) lines[i] = line.slice(0, at) + pick(ODD) + line.slice(at);
    else if (op < 0.7) lines[i] = line.slice(0, at) + line.slice(at + 1 + Math.floor(random() * 10));
    else if (op < 0.9) {
      const fields = line.split('|');
      fields[1 + Math.floor(random() * (fields.length - 1))] = pick(ODD);
      lines[i] = fields.join('|');
    } else if (i > 0) lines.splice(i, 1);
  }
  return lines.join('\r');
}

describe('robustness on mutated messages', () => {
  const messages = readdirSync(GOLDEN)
    .filter((f) => f.endsWith('.hl7') && !f.startsWith('batch_'))
    .sort()
    .map((f) => decodeHl7Bytes(readFileSync(join(GOLDEN, f))));

  it('never fails internally, always produces valid FHIR, never a literal ""', () => {
    let seed = 20240506;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const outcomes: Record<string, number> = {};
    const problems: string[] = [];
    for (let i = 0; i < 600; i++) {
      const parsed = parseHl7(mutate(messages[i % messages.length], random));
      if (!parsed.ok) continue;
      const result = convertHl7ToFhir(parsed.message);
      const outcome = result.ok ? 'ok' : result.error.code;
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (!result.ok) continue;
      const validation = validateFhirResource(result.bundle);
      if (!validation.valid)
        problems.push(`#${i} invalid: ${validation.issues.find((x) => x.severity === 'error')?.path}`);
      // The explicit null is a whole value; quotes inside a longer value are data and stay.
      if (allStrings(result.bundle).some((s) => s.trim() === '""')) problems.push(`#${i} has a literal ""`);
    }
    expect(problems).toEqual([]);
    expect(outcomes.INTERNAL_ERROR).toBeUndefined();
    expect(outcomes.ok).toBeGreaterThan(300);
  });
});
