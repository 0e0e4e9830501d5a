/**
 * HL7 v2 → FHIR throughput on a fixed corpus (the converter's golden messages), in this process:
 *
 *   parse only                  parseHl7 (segments found, fields split, header checked)
 *   parse + convert + validate  parseHl7 → convertHl7ToFhir → validateFhirResource on the whole Bundle,
 *                               i.e. the transformer's work per record minus Kafka
 *
 * and the ratio. Warmed up, then ROUNDS alternating rounds; medians printed. Asserts nothing.
 *
 *   npm run bench:hl7                 BENCH_SECONDS=2 BENCH_ROUNDS=5 by default
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validateFhirResource } from '@meridian/fhir';
import { parseHl7 } from '@meridian/hl7';
import { convertHl7ToFhir } from '@meridian/hl7-fhir';

const ROOT = path.resolve(__dirname, '../../..');
const CORPUS_DIR = path.join(ROOT, 'libs/hl7-fhir/fixtures/golden');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

function corpus(): string[] {
  const messages = readdirSync(CORPUS_DIR)
    .filter((name) => name.endsWith('.hl7'))
    .sort()
    .map((name) => readFileSync(path.join(CORPUS_DIR, name), 'utf8'));
  // Only what the transformer would publish: messages that convert and validate.
  return messages.filter((text) => {
    const parsed = parseHl7(text);
    return parsed.ok && convertHl7ToFhir(parsed.message, { validate: validateFhirResource }).ok;
  });
}

function parseOnly(text: string): void {
  if (!parseHl7(text).ok) throw new Error('corpus message does not parse');
}

function parseConvertValidate(text: string): void {
  const parsed = parseHl7(text);
  if (!parsed.ok) throw new Error('corpus message does not parse');
  const result = convertHl7ToFhir(parsed.message, { validate: validateFhirResource });
  if (!result.ok) throw new Error(`corpus message does not convert: ${result.error.code}`);
}

/** Messages per second over at least SECONDS, cycling through the corpus. */
function measure(messages: string[], work: (text: string) => void): number {
  const started = process.hrtime.bigint();
  const budget = BigInt(Math.round(SECONDS * 1e9));
  let done = 0;
  while (process.hrtime.bigint() - started < budget) {
    for (const text of messages) work(text);
    done += messages.length;
  }
  return done / (Number(process.hrtime.bigint() - started) / 1e9);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

function main(): void {
  const messages = corpus();
  if (messages.length === 0) throw new Error(`no convertible messages in ${CORPUS_DIR}`);
  const bytes = messages.reduce((n, m) => n + Buffer.byteLength(m), 0);
  console.log(
    `corpus: ${messages.length} messages (${Math.round(bytes / messages.length)} bytes on average), ` +
      `${ROUNDS} rounds of ${SECONDS}s each, Node ${process.version}`,
  );
  // Warm-up: JIT and the validator's lazily loaded definitions.
  for (let i = 0; i < 50; i++) for (const text of messages) parseConvertValidate(text);
  const parse: number[] = [];
  const full: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    parse.push(measure(messages, parseOnly));
    full.push(measure(messages, parseConvertValidate));
  }
  const p = median(parse);
  const f = median(full);
  console.log(`parse only:                 ${p.toFixed(0)} messages/s (median)`);
  console.log(`parse + convert + validate: ${f.toFixed(0)} messages/s (median)`);
  console.log(`ratio (full / parse only):  ${(f / p).toFixed(3)}`);
}

main();
