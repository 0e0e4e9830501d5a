/**
 * Regenerates docs/hl7-conformance.md: every message of the real-world corpus
 * (libs/hl7-fhir/fixtures/corpus) taken the way the platform takes it — parsed, checked against its
 * message structure as the gateway's intake does, converted and validated as the transformer does —
 * and every Bundle checked by HAPI FHIR's R4 validator. Per message type: how many converted, how
 * many were refused (and where), how many Bundles HAPI or libs/fhir finds errors in, how many facts
 * hold. Messages the corpus says must be refused count as refused, not as failures.
 *
 *   npm run conformance        (after `npm run build`; FHIR_BASE_URL, else a local HAPI is started)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateFhirResource } from '@meridian/fhir';
import {
  type CorpusCase,
  checkFact,
  hapiErrors,
  hapiValidate,
  loadCorpus,
  runCorpusCase,
  runFhirLauncher,
} from '@meridian/testing';

const ROOT = path.resolve(__dirname, '../../..');
const TARGET = path.join(ROOT, 'docs/hl7-conformance.md');
const CONVERTER_README = path.join(ROOT, 'libs/hl7-fhir/README.md');

interface Row {
  type: string;
  messages: number;
  converted: number;
  refusedIntake: number;
  refusedConverter: number;
  hapiBundles: number;
  hapiErrors: number;
  fhirBundles: number;
  facts: number;
  factsHeld: number;
  unexpected: string[];
}

interface Refusal {
  file: string;
  where: string;
  code: string;
  expected: boolean;
}

async function withHapi<T>(work: (baseUrl: string) => Promise<T>): Promise<T> {
  const configured = process.env.FHIR_BASE_URL;
  if (configured) return work(configured.replace(/\/+$/, ''));
  const state = path.join(mkdtempSync(path.join(tmpdir(), 'meridian-conformance-')), 'fhir.json');
  console.log('starting a local HAPI FHIR server (tools/fhir-server) ...');
  const started = await runFhirLauncher(['start', '--state', state]);
  const baseUrl = /FHIR_BASE_URL=(\S+)/.exec(started)?.[1];
  if (!baseUrl) throw new Error(`the FHIR server launcher printed no FHIR_BASE_URL line:\n${started}`);
  try {
    return await work(baseUrl);
  } finally {
    await runFhirLauncher(['stop', '--state', state]);
  }
}

/** The message type a case is counted under: MSH-9 code^trigger, or '(no MSH-9)'. */
const typeOf = (c: CorpusCase): string => (c.batch ? `batch (${c.type || '?'})` : c.type || '(no MSH-9)');

async function measure(baseUrl: string): Promise<{ rows: Row[]; refusals: Refusal[]; total: number }> {
  const rows = new Map<string, Row>();
  const refusals: Refusal[] = [];
  const corpus = loadCorpus();
  for (const c of corpus) {
    const type = typeOf(c);
    const row = rows.get(type) ?? {
      type,
      messages: 0,
      converted: 0,
      refusedIntake: 0,
      refusedConverter: 0,
      hapiBundles: 0,
      hapiErrors: 0,
      fhirBundles: 0,
      facts: 0,
      factsHeld: 0,
      unexpected: [],
    };
    rows.set(type, row);
    row.messages += 1;
    const outcome = runCorpusCase(c, { validate: false });
    if (outcome.kind === 'refused') {
      if (outcome.where.endsWith('convert')) row.refusedConverter += 1;
      else row.refusedIntake += 1;
      const expected = c.expect.refused === true;
      refusals.push({ file: c.file, where: outcome.where, code: outcome.code, expected });
      if (!expected) row.unexpected.push(`${c.file} refused (${outcome.code})`);
      continue;
    }
    row.converted += 1;
    if (c.expect.refused === true) row.unexpected.push(`${c.file} converted, but must be refused`);
    let hapiFailed = false;
    let fhirFailed = false;
    for (const bundle of outcome.bundles) {
      const errors = hapiErrors(await hapiValidate(baseUrl, bundle));
      row.hapiErrors += errors.length;
      hapiFailed ||= errors.length > 0;
      fhirFailed ||= !validateFhirResource(bundle).valid;
    }
    if (hapiFailed) row.hapiBundles += 1;
    if (fhirFailed) row.fhirBundles += 1;
    for (const fact of c.facts) {
      row.facts += 1;
      if (checkFact(outcome.bundles, fact) === undefined) row.factsHeld += 1;
    }
  }
  return {
    rows: [...rows.values()].sort((a, b) => a.type.localeCompare(b.type)),
    refusals,
    total: corpus.length,
  };
}

/** The converter README's "Not mapped (knowingly)" section, without its heading. */
function notMapped(): string {
  const readme = readFileSync(CONVERTER_README, 'utf8');
  const start = readme.indexOf('## Not mapped');
  if (start < 0) throw new Error('libs/hl7-fhir/README.md has no "## Not mapped" section');
  const body = readme.slice(readme.indexOf('\n', start) + 1);
  const end = body.indexOf('\n## ');
  return (end < 0 ? body : body.slice(0, end)).trim();
}

function render(rows: Row[], refusals: Refusal[], total: number): string {
  const sum = (pick: (r: Row) => number): number => rows.reduce((n, r) => n + pick(r), 0);
  const line = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;
  const table = [
    line([
      'message type',
      'messages',
      'converted',
      'refused at intake',
      'refused by the converter',
      'Bundles with HAPI errors',
      'Bundles with libs/fhir errors',
      'facts held',
    ]),
    line(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...rows.map((r) =>
      line([
        r.type,
        r.messages,
        r.converted,
        r.refusedIntake,
        r.refusedConverter,
        r.hapiBundles,
        r.fhirBundles,
        `${r.factsHeld} / ${r.facts}`,
      ]),
    ),
    line([
      '**all**',
      total,
      sum((r) => r.converted),
      sum((r) => r.refusedIntake),
      sum((r) => r.refusedConverter),
      sum((r) => r.hapiBundles),
      sum((r) => r.fhirBundles),
      `${sum((r) => r.factsHeld)} / ${sum((r) => r.facts)}`,
    ]),
  ];
  const unexpected = rows.flatMap((r) => r.unexpected);
  const refusalTable = [
    line(['file', 'where', 'code', 'as the corpus expects']),
    line(['---', '---', '---', '---']),
    ...refusals.map((r) => line([`\`${r.file}\``, r.where, r.code, r.expected ? 'yes' : '**no**'])),
  ];
  return [
    '# HL7 v2 → FHIR R4 conformance',
    '',
    '<!-- Generated by `npm run conformance` (tools/hl7-conformance); do not edit by hand. -->',
    '',
    `The real-world corpus (\`libs/hl7-fhir/fixtures/corpus\`: ${total} public messages and batch files,`,
    'sources and licences in its `SOURCES.md`), each taken as the platform takes it: parsed, checked',
    "against its message structure as the gateway's intake does, converted and validated by `libs/fhir`",
    "as the transformer does; every Bundle then checked by HAPI FHIR's R4 validator (`$validate`, HL7",
    'terminology in memory) and against the facts the HL7 V2-to-FHIR IG gives for the message.',
    'A refused message is answered AR/AE at intake, or dead-lettered with the reason by the transformer;',
    "the corpus's facts files say which messages must be refused (not HL7 the standard allows).",
    '',
    ...table,
    '',
    unexpected.length === 0
      ? 'Every message converted or was refused as its facts file says.'
      : `Not as the corpus expects: ${unexpected.join('; ')}.`,
    '',
    '## Refusals',
    '',
    ...refusalTable,
    '',
    '## Deliberately not mapped',
    '',
    'From `libs/hl7-fhir/README.md` (the one place this list is kept):',
    '',
    notMapped(),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const { rows, refusals, total } = await withHapi(measure);
  writeFileSync(TARGET, render(rows, refusals, total));
  // Through the repository's prettier, so that `prettier --check .` stays green.
  execFileSync(process.execPath, [
    require.resolve('prettier/bin/prettier.cjs'),
    '--write',
    TARGET,
    '--log-level',
    'warn',
  ]);
  console.log(`${total} corpus files → ${path.relative(ROOT, TARGET)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
