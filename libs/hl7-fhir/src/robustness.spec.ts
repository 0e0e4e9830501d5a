import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHl7Bytes } from '@meridian/hl7';
import { GOLDEN, runMutations } from './test-support';

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
    const { problems, outcomes } = runMutations(messages, mutate, 20240506, 600);
    expect(problems).toEqual([]);
    expect(outcomes.INTERNAL_ERROR).toBeUndefined();
    expect(outcomes.ok).toBeGreaterThan(300);
  });
});
