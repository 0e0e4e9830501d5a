import type { ParsedProperty } from 'fhir/model/parsed-property';
import type { ParseConformance } from 'fhir/parseConformance';
import {
  Validator,
  type ValidatorMessage,
  type ValidatorOptions,
  type ValidatorResponse,
} from 'fhir/validator';
import { isPlainObject, type JsonObject } from './bundle-rules';
import type { FhirIssue } from './fhir-issue';
import type { ElementDef, ElementIndex, R4Definitions } from './r4-definitions';
import { safeName } from './resource-walker';

// FHIR.js's own validator, run beside the walker when asked (FhirValidator option
// `fhirJsCrossCheck`), with its findings translated into FhirIssues. Its messages quote values
// ('Code "femalex" not found in value set', 'Invalid type for reference {…}'), so none is passed
// through: each kind it has is mapped to a fixed message, and the kinds it gets wrong are dropped
// (README "FHIR.js"). Unexpected properties are errors (`errorOnUnexpected`), not warnings.

interface FhirJsValidatorInternals {
  response: ValidatorResponse;
  validateProperties(object: unknown, properties: ParsedProperty[], tree: string[]): void;
  validateNext(object: unknown, property: ParsedProperty, tree: string[]): void;
}

// validateNext is private in FHIR.js's typings; overriding it is the only way to fix its paths.
const FhirJsValidator = Validator as unknown as new (
  parser: ParseConformance,
  options: ValidatorOptions,
) => FhirJsValidatorInternals;

/**
 * FHIR.js validates a nested resource (Bundle.entry.resource, contained) with a fresh path
 * (`Patient.gender` for the fourth entry's patient). This keeps the whole path, written as the
 * walker writes it: `Bundle.entry[3].resource.Patient.gender`.
 */
class PathKeepingValidator extends FhirJsValidator {
  constructor(private readonly parser: ParseConformance) {
    super(parser, { errorOnUnexpected: true });
  }

  override validateNext(object: unknown, property: ParsedProperty, tree: string[]): void {
    if (property._type !== 'Resource') {
      super.validateNext(object, property, tree);
      return;
    }
    const type = isPlainObject(object) ? object.resourceType : undefined;
    const structures = this.parser.parsedStructureDefinitions;
    const structure =
      typeof type === 'string' && Object.hasOwn(structures, type) ? structures[type] : undefined;
    if (structure?._properties)
      this.validateProperties(object, structure._properties, [...tree, type as string]);
  }
}

// The rules whose findings make FHIR.js's messages at or below the same path meaningless (it
// iterates the characters of a string given for an object, checks a code given as an array, …).
const SHAPE_RULES = new Set(['json-type', 'ele-1', 'cardinality', 'resource-type', 'unknown-element']);

/** FHIR.js's findings as FhirIssues; undefined when FHIR.js could not check the resource. */
export function fhirJsIssues(
  resource: unknown,
  defs: R4Definitions,
  walkerIssues: readonly FhirIssue[],
): FhirIssue[] | undefined {
  let json: JsonObject;
  let messages: ValidatorMessage[];
  try {
    // FHIR.js throws on null and reads undefined members as present; it is given what would be
    // published.
    json = JSON.parse(JSON.stringify(resource)) as JsonObject;
    const type = json.resourceType;
    if (typeof type !== 'string' || !defs.resourceTypes.has(type)) return [];
    const structure = defs.parser.parsedStructureDefinitions[type];
    const validator = new PathKeepingValidator(defs.parser);
    validator.validateProperties(json, structure._properties ?? [], [type]);
    messages = validator.response.messages;
  } catch {
    return undefined;
  }
  const shapePaths = walkerIssues
    .filter((issue) => SHAPE_RULES.has(issue.rule ?? ''))
    .map((issue) => issue.path);
  const issues = new Map<string, FhirIssue>();
  for (const message of messages) {
    const location = message.location ?? '';
    if (
      shapePaths.some(
        (path) => location === path || location.startsWith(`${path}.`) || location.startsWith(`${path}[`),
      )
    ) {
      continue;
    }
    const issue = translate(message, locate(defs, json, location));
    // FHIR.js reports a missing required choice once per type.
    if (issue && !issues.has(`${issue.path}\u0000${issue.rule}`))
      issues.set(`${issue.path}\u0000${issue.rule}`, issue);
  }
  return [...issues.values()];
}

interface Located {
  /** The path, with names that might be data replaced by `?`. */
  readonly path: string;
  /** Index and JSON object of the element holding the last segment, if the path resolves. */
  readonly parent: ElementIndex | undefined;
  readonly parentValue: JsonObject | undefined;
  readonly name: string;
  /** True when the path runs through a primitive (FHIR.js walked a string's characters). */
  readonly throughPrimitive: boolean;
}

// Follows a FHIR.js location (`Bundle.entry[0].resource.Patient.name[1].given`) through the
// definitions and the JSON at once.
function locate(defs: R4Definitions, json: JsonObject, location: string): Located {
  const segments = location.split('.');
  let index = defs.typeIndex(segments[0]);
  let value: unknown = json;
  let throughPrimitive = false;
  const safe = [defs.resourceTypes.has(segments[0]) ? segments[0] : '?'];
  for (let i = 1; i < segments.length; i++) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(segments[i]);
    const name = match ? match[1] : segments[i];
    const indexes = match ? [...match[2].matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])) : [];
    safe.push(`${safeName(name)}${indexes.map((n) => `[${n}]`).join('')}`);
    if (i === segments.length - 1) {
      return {
        path: safe.join('.'),
        parent: index,
        parentValue: isPlainObject(value) ? value : undefined,
        name,
        throughPrimitive,
      };
    }
    const def: ElementDef | undefined = index?.elements.get(name);
    if (def?.kind === 'primitive') throughPrimitive = true;
    let next: unknown = isPlainObject(value) ? value[name] : undefined;
    for (const n of indexes) next = Array.isArray(next) ? next[n] : undefined;
    value = next;
    if (def?.kind === 'resource' && i + 1 < segments.length - 1) {
      // The next segment is the nested resource's type.
      i++;
      const type = segments[i];
      const known = defs.resourceTypes.has(type);
      safe.push(known ? type : '?');
      index = known ? defs.typeIndex(type) : undefined;
    } else {
      index = def?.children;
    }
  }
  return { path: safe.join('.'), parent: undefined, parentValue: undefined, name: '', throughPrimitive };
}

function translate(message: ValidatorMessage, at: Located): FhirIssue | undefined {
  const text = message.message ?? '';
  if (at.throughPrimitive) return undefined; // FHIR.js walks the characters of a `uuid` value
  const def = at.parent?.elements.get(at.name);
  if (text === 'Missing property') {
    const choice = !def && [...(at.parent?.elements.values() ?? [])].some((e) => e.choice === at.name);
    // FHIR.js wants `name` even when `_name` carries the primitive's extensions: it does not.
    if (!choice && at.parentValue?.[`_${at.name}`] !== undefined) return undefined;
    return error(choice ? `${at.path}[x]` : at.path, 'cardinality', 'required element is missing');
  }
  if (/^A .* entry is required$/.test(text))
    return error(at.path, 'ele-1', 'empty array (omit the element instead)');
  if (text === 'Property is not an array') {
    return error(at.path, 'cardinality', 'element repeats: must be a JSON array');
  }
  if (text === 'Unexpected property') {
    // FHIR.js knows `_name` only for some primitives (not `_valueUuid`).
    const base = at.name.startsWith('_') ? at.parent?.elements.get(at.name.slice(1)) : undefined;
    if (base?.kind === 'primitive') return undefined;
    return error(
      at.path,
      'unknown-element',
      `element is not defined in R4 ${at.parent?.typeName ?? 'this type'}`,
    );
  }
  if (text.startsWith('Code "') && message.severity === 'error' && def?.requiredBinding) {
    // For a CodeableConcept FHIR.js wants every coding in the value set; one is enough, and the
    // walker checks that. Codes it gets right.
    if (def.type !== 'code') return undefined;
    return error(at.path, 'binding', `code not in required value set ${def.requiredBinding}`);
  }
  // Dropped: primitive formats (unanchored regexes), reference types (misreads versioned and
  // conditional references), unknown resourceType (the walker reports it), non-required
  // bindings and value sets it does not have.
  return undefined;
}

function error(path: string, rule: string, message: string): FhirIssue {
  return { severity: 'error', path, message, rule };
}
