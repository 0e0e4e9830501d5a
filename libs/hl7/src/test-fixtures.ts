import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes of a sample under libs/hl7/fixtures (test-only helper; not exported from index.ts). */
export function fixtureBytes(name: string): Buffer {
  return readFileSync(join(__dirname, '..', 'fixtures', name));
}

export function fixtureText(name: string): string {
  return fixtureBytes(name).toString('utf8');
}
