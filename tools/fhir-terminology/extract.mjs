#!/usr/bin/env node
// Regenerates, from hapi-fhir-validation-resources-r4 (what HAPI FHIR's R4 validator knows):
// - libs/fhir/src/terminology/r4-code-systems.generated.ts: the codes of every complete code system
//   FHIR R4 (4.0.1) ships: HL7 v2 tables (v2-tables.xml), v3 code systems (v3-codesystems.xml) and
//   the FHIR and THO code systems of the core value sets (valuesets.xml, content "complete" only).
//   The converter uses a table's system only for a code the table holds, and @meridian/fhir refuses
//   codings that a complete code system does not hold, as HAPI does. Also ISO 3166 and ISO 4217,
//   whose lists HAPI keeps in code (hapi-fhir-validation; read with javap, so a JDK is needed).
// - libs/fhir/src/terminology/r4-extensions.generated.ts: the R4 core extension definitions
//   (extension-definitions.xml) reduced to contexts, modifier flag, value types and sub-extensions.
// - libs/fhir/src/terminology/ucum.generated.ts: UCUM prefixes and units (org.fhir:ucum's essence).
// Needs Maven and unzip.
// Usage: node tools/fhir-terminology/extract.mjs [hapiVersion] [ucumVersion]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extensionDefinitions } from './extensions.mjs';

const version = process.argv[2] ?? '8.8.0';
const artifact = `ca.uhn.hapi.fhir:hapi-fhir-validation-resources-r4:${version}`;
execFileSync('mvn', ['-q', 'dependency:get', `-Dartifact=${artifact}`, '-Dtransitive=false'], {
  stdio: 'inherit',
});
const jar = join(
  homedir(),
  '.m2/repository/ca/uhn/hapi/fhir/hapi-fhir-validation-resources-r4',
  version,
  `hapi-fhir-validation-resources-r4-${version}.jar`,
);
const read = (entry) =>
  execFileSync('unzip', ['-p', jar, `org/hl7/fhir/r4/model/${entry}`], {
    maxBuffer: 64 * 1024 * 1024,
  }).toString('utf8');

/** Every CodeSystem in an R4 XML Bundle: url, content and the codes of its concepts (nested too). */
function codeSystems(xml) {
  const out = {};
  const tag = /<(\/?)([A-Za-z]+)((?:\s+[A-Za-z:]+="[^"]*")*)\s*(\/?)>/g;
  const stack = [];
  let current;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    const [, closing, name, attrs, selfClosing] = m;
    if (closing) {
      if (name === 'CodeSystem' && current) {
        if (current.url) out[current.url] = { content: current.content, codes: current.codes.sort() };
        current = undefined;
      }
      stack.pop();
      continue;
    }
    const value = /value="([^"]*)"/.exec(attrs)?.[1];
    const parent = stack.at(-1);
    if (name === 'CodeSystem') current = { url: undefined, content: undefined, codes: [] };
    else if (current && parent === 'CodeSystem' && name === 'url') current.url = value;
    else if (current && parent === 'CodeSystem' && name === 'content') current.content = value;
    else if (current && parent === 'concept' && name === 'code' && value !== undefined) {
      current.codes.push(
        value
          .replace(/&amp;/g, '&')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"'),
      );
    }
    if (!selfClosing) stack.push(name);
  }
  return out;
}

// Fragments, examples, supplements and not-present systems cannot say a code does not exist.
const complete = (systems) =>
  Object.fromEntries(Object.entries(systems).filter(([, system]) => system.content === 'complete'));
const systems = {
  ...complete(codeSystems(read('valueset/valuesets.xml'))),
  ...complete(codeSystems(read('valueset/v2-tables.xml'))),
  ...complete(codeSystems(read('valueset/v3-codesystems.xml'))),
};
// ISO 3166 country and ISO 4217 currency codes: HAPI's validator has them in code
// (CommonCodeSystemsTerminologyService.buildIso3166Codes/buildIso4217Codes, code and name pairs),
// read here from the bytecode with javap.
const validationArtifact = `ca.uhn.hapi.fhir:hapi-fhir-validation:${version}`;
execFileSync('mvn', ['-q', 'dependency:get', `-Dartifact=${validationArtifact}`, '-Dtransitive=false'], {
  stdio: 'inherit',
});
const validationJar = join(
  homedir(),
  '.m2/repository/ca/uhn/hapi/fhir/hapi-fhir-validation',
  version,
  `hapi-fhir-validation-${version}.jar`,
);
const bytecode = execFileSync(
  'javap',
  [
    '-p',
    '-c',
    '-constants',
    '-cp',
    validationJar,
    'org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService',
  ],
  { maxBuffer: 64 * 1024 * 1024 },
).toString('utf8');
function isoCodes(method) {
  const start = bytecode.indexOf(` ${method}();`);
  const end = bytecode.indexOf('areturn', start);
  if (start < 0 || end < 0) throw new Error(`no ${method} in HAPI's CommonCodeSystemsTerminologyService`);
  const strings = [...bytecode.slice(start, end).matchAll(/\/\/ String (.*)$/gm)].map((m) => m[1]);
  // code, name, code, name…
  return strings.filter((_, i) => i % 2 === 0).sort();
}
const countries = isoCodes('buildIso3166Codes');
const currencies = isoCodes('buildIso4217Codes');
systems['urn:iso:std:iso:3166'] = { content: 'complete', codes: countries };
systems['urn:iso:std:iso:4217'] = { content: 'complete', codes: currencies };
console.log(`${countries.length} ISO 3166 and ${currencies.length} ISO 4217 codes`);

const terminology = join(dirname(fileURLToPath(import.meta.url)), '../../libs/fhir/src/terminology');
const target = join(terminology, 'r4-code-systems.generated.ts');
// A TypeScript module, not JSON: the build compiles .ts files only. One line per system keeps diffs readable.
const lines = Object.keys(systems)
  .sort()
  .map((url) => `  ${JSON.stringify(url)}: ${JSON.stringify(systems[url].codes.join('\n'))},`);
writeFileSync(
  target,
  [
    `// Generated by tools/fhir-terminology/extract.mjs from ${artifact}; do not edit.`,
    '// Code system URL → its codes, one per line (every system here has content "complete"); ISO 3166 and',
    `// ISO 4217 from ${validationArtifact}.`,
    'export const R4_CODE_SYSTEMS: Readonly<Record<string, string>> = {',
    ...lines,
    '};',
    '',
  ].join('\n'),
);
console.log(`${Object.keys(systems).length} code systems → ${target}`);

const extensions = extensionDefinitions(read('extension/extension-definitions.xml'));
const extensionTarget = join(terminology, 'r4-extensions.generated.ts');
writeFileSync(
  extensionTarget,
  [
    `// Generated by tools/fhir-terminology/extract.mjs from ${artifact}; do not edit.`,
    '// R4 core extension URL → where it may be used (element contexts; null: not checked), whether it',
    '// is a modifier, its value types ([] for a complex extension) and its sub-extensions (url → types).',
    "import type { R4ExtensionDefinition } from './extension-definition';",
    '',
    'export const R4_EXTENSIONS: Readonly<Record<string, R4ExtensionDefinition>> = {',
    ...Object.keys(extensions)
      .sort()
      .map((url) => `  ${JSON.stringify(url)}: ${JSON.stringify(extensions[url])},`),
    '};',
    '',
  ].join('\n'),
);
console.log(`${Object.keys(extensions).length} extension definitions → ${extensionTarget}`);

// UCUM (the unit codes HAPI judges Quantity.code and UCUM Codings by): the essence file of the
// org.fhir:ucum library HAPI's validator uses.
const ucumVersion = process.argv[3] ?? '1.0.9';
execFileSync(
  'mvn',
  ['-q', 'dependency:get', `-Dartifact=org.fhir:ucum:${ucumVersion}`, '-Dtransitive=false'],
  {
    stdio: 'inherit',
  },
);
const ucumJar = join(homedir(), '.m2/repository/org/fhir/ucum', ucumVersion, `ucum-${ucumVersion}.jar`);
const essence = execFileSync('unzip', ['-p', ucumJar, 'ucum-essence.xml'], {
  maxBuffer: 16 * 1024 * 1024,
}).toString('utf8');
const attribute = (attrs, name) => new RegExp(`\\s${name}="([^"]*)"`).exec(` ${attrs}`)?.[1];
const prefixes = [...essence.matchAll(/<prefix\s([^>]*)>/g)].map((m) => attribute(m[1], 'Code')).sort();
const metric = [];
const plain = [];
for (const m of essence.matchAll(/<(base-unit|unit)\s([^>]*)>/g)) {
  const code = attribute(m[2], 'Code');
  // Base units are metric; a unit says so.
  if (m[1] === 'base-unit' || attribute(m[2], 'isMetric') === 'yes') metric.push(code);
  else plain.push(code);
}
const ucumTarget = join(terminology, 'ucum.generated.ts');
writeFileSync(
  ucumTarget,
  [
    `// Generated by tools/fhir-terminology/extract.mjs from org.fhir:ucum:${ucumVersion} (ucum-essence.xml); do not edit.`,
    '// UCUM prefixes, and unit atoms that take a prefix (metric) or do not.',
    `export const UCUM_PREFIXES: readonly string[] = ${JSON.stringify(prefixes)};`,
    `export const UCUM_METRIC_UNITS: readonly string[] = ${JSON.stringify(metric.sort())};`,
    `export const UCUM_UNITS: readonly string[] = ${JSON.stringify(plain.sort())};`,
    '',
  ].join('\n'),
);
console.log(`${prefixes.length} UCUM prefixes, ${metric.length + plain.length} units → ${ucumTarget}`);
