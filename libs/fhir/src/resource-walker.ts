import { type BundleScope, checkBundle, isPlainObject, type JsonObject } from './bundle-rules';
import {
  contextAllows,
  coreExtension,
  extensionValueType,
  isAbsoluteExtensionUrl,
  isCrossVersionExtensionUrl,
} from './extension-rules';
import type { FhirIssue, FhirIssueSeverity } from './fhir-issue';
import { checkResourceInvariants, checkTypeInvariants, type InvariantReport, UCUM } from './invariants';
import {
  checkPrimitive,
  compareDateTimes,
  FORMAT_CHECKED_VALUE_SETS,
  isValidDateTime,
} from './primitive-formats';
import { type ElementDef, type ElementIndex, type R4Definitions, TypeCheck } from './r4-definitions';
import { parseReference } from './reference';
import { knownCodeSystemHas } from './terminology/code-systems';
import { isUcumUnit } from './ucum';

// One pass over a resource, driven by the R4 definitions: every element is looked up, its JSON
// shape, cardinality, type, format and required binding checked, then the rules that need an
// element's siblings (choices, references, Period, Extension) and, for Bundles, the entries
// together. Paths are built as strings on the way down (V8 concatenates lazily); nothing else is
// allocated for an element that is fine.

/** Objects nested deeper than this are reported, not followed (a cycle would never end). */
export const MAX_DEPTH = 128;

// Names of unknown elements are echoed only when they look like FHIR element names; anything
// else might be data that ended up as a key.
const ELEMENT_NAME_RE = /^_?[a-z][A-Za-z0-9]{0,63}$/;

export function safeName(name: string): string {
  return ELEMENT_NAME_RE.test(name) ? name : '?';
}

interface ContainerScope {
  /** id → resourceType of the contained resources local references resolve to. */
  readonly contained: ReadonlyMap<string, string | undefined>;
  /** True while walking a contained resource, where `#` (the container) is a valid reference. */
  readonly insideContained: boolean;
  /**
   * dom-3: ids of contained resources referred to (`#id` in a reference, canonical or uri) or
   * referring to the container (`#`). Only for a resource that has contained resources.
   */
  readonly referenced?: Set<string>;
  /** The id of the contained resource being walked. */
  readonly containedId?: string;
}

const NO_CONTAINED: ReadonlyMap<string, string | undefined> = new Map();

export class ResourceWalker {
  readonly issues: FhirIssue[] = [];
  private readonly elementIndex: ElementIndex;
  private bundle: BundleScope | undefined;
  private container: ContainerScope = { contained: NO_CONTAINED, insideContained: false };
  private depth = 0;
  // The element about to be walked by object(), for extension contexts: the type that defines it
  // and its name there (`HumanName`, `family`), and for the `_name` of a primitive its type. Set
  // just before the call and read once at its start, so nothing is allocated per element.
  private ownerIndex: ElementIndex | undefined;
  private ownerName = '';
  private primitiveType: string | undefined;
  private readonly invariantError: InvariantReport = (path, rule, message) => this.error(path, rule, message);

  constructor(private readonly defs: R4Definitions) {
    const element = defs.typeIndex('Element');
    if (!element) throw new Error('FHIR.js definitions have no Element type');
    this.elementIndex = element;
  }

  walk(input: unknown): void {
    if (!isPlainObject(input)) {
      this.report('error', '', 'json-type', 'a resource must be a JSON object');
      return;
    }
    this.resource(input, '', false);
  }

  private report(severity: FhirIssueSeverity, path: string, rule: string, message: string): void {
    this.issues.push({ severity, path, message, rule });
  }

  private error(path: string, rule: string, message: string): void {
    this.report('error', path, rule, message);
  }

  /** `at` is the path of the element holding the resource ('' for the input itself). */
  private resource(resource: JsonObject, at: string, contained: boolean): void {
    const type = resource.resourceType;
    if (typeof type !== 'string' || !this.defs.resourceTypes.has(type)) {
      this.error(
        at ? `${at}.resourceType` : 'resourceType',
        'resource-type',
        'resourceType is missing or not an R4 resource type',
      );
      return;
    }
    const index = this.defs.typeIndex(type);
    if (!index) return;
    const path = at ? `${at}.${type}` : type;
    const outerContainer = this.container;
    const outerBundle = this.bundle;
    if (contained) {
      this.container = {
        contained: outerContainer.contained,
        insideContained: true,
        referenced: outerContainer.referenced,
        containedId: typeof resource.id === 'string' ? resource.id : undefined,
      };
    } else {
      const ids = containedIds(resource, this.defs.resourceTypes);
      this.container = {
        contained: ids,
        insideContained: false,
        referenced: ids === NO_CONTAINED ? undefined : new Set(),
      };
    }
    if (type === 'Bundle') {
      this.bundle = checkBundle(resource, path, this.defs.resourceTypes, (p, rule, message) =>
        this.error(p, rule, message),
      );
    }
    this.object(resource, index, path, true);
    checkResourceInvariants(type, resource, path, this.invariantError);
    if (!contained && this.container.referenced) this.unreferencedContained(resource, path);
    this.container = outerContainer;
    this.bundle = outerBundle;
  }

  // dom-3: a contained resource is referred to from elsewhere in the resource, or refers to it.
  private unreferencedContained(resource: JsonObject, path: string): void {
    const referenced = this.container.referenced;
    const contained = resource.contained;
    if (!referenced || !Array.isArray(contained)) return;
    contained.forEach((item: unknown, i) => {
      if (isPlainObject(item) && typeof item.id === 'string' && !referenced.has(item.id)) {
        this.error(
          `${path}.contained[${i}]`,
          'dom-3',
          'contained resource is not referred to from the resource, nor refers to it',
        );
      }
    });
  }

  private object(object: JsonObject, index: ElementIndex, path: string, isResource: boolean): void {
    if (this.depth >= MAX_DEPTH) {
      this.error(path, 'json-type', `nested deeper than ${MAX_DEPTH} objects`);
      return;
    }
    this.depth++;
    const ownerIndex = this.ownerIndex;
    const ownerName = this.ownerName;
    const primitiveType = this.primitiveType;
    this.ownerIndex = undefined;
    this.primitiveType = undefined;
    let hasChildren = false;
    let choices: Map<string, string> | undefined;
    for (const key of Object.keys(object)) {
      const value = object[key];
      // JSON.stringify drops undefined members, so they are absent, not invalid.
      if (value === undefined) continue;
      if (key === 'resourceType' && isResource) continue;
      if (key !== 'id') hasChildren = true;
      const extension = key.charCodeAt(0) === 95; /* `_name`: id and extensions of primitive `name` */
      const name = extension ? key.slice(1) : key;
      const def = index.elements.get(name);
      if (!def || (extension && def.kind !== 'primitive')) {
        this.error(
          `${path}.${safeName(key)}`,
          'unknown-element',
          `element is not defined in R4 ${index.typeName}`,
        );
        continue;
      }
      if (def.choice !== undefined) {
        choices ??= new Map();
        const first = choices.get(def.choice);
        if (first === undefined) {
          choices.set(def.choice, name);
        } else if (first !== name && first !== '') {
          this.error(`${path}.${def.choice}[x]`, 'choice', `only one type of ${def.choice}[x] is allowed`);
          choices.set(def.choice, '');
        }
      }
      this.ownerIndex = index;
      this.ownerName = name;
      this.primitiveType = extension ? def.type : undefined;
      if (extension) this.primitiveExtension(object, name, value, def, `${path}.${key}`);
      else this.member(object, key, value, def, `${path}.${key}`);
      if (def.typeCheck === TypeCheck.Extension && Array.isArray(value)) {
        this.extensionPlacement(
          object,
          value,
          key === 'modifierExtension',
          path,
          primitiveType ?? index.typeName,
          ownerIndex,
          ownerName,
          isResource,
        );
      }
    }
    for (const required of index.required) {
      if (!isPresent(object, required.names, index)) {
        this.error(
          required.choice ? `${path}.${required.name}[x]` : `${path}.${required.name}`,
          'cardinality',
          'required element is missing',
        );
      }
    }
    if (!hasChildren && !isResource) this.error(path, 'ele-1', 'element has neither a value nor children');
    this.depth--;
  }

  private member(object: JsonObject, key: string, value: unknown, def: ElementDef, path: string): void {
    if (value === null) {
      this.error(path, 'ele-1', 'null is not a value (omit the element instead)');
      return;
    }
    if (!def.multiple) {
      if (Array.isArray(value)) {
        this.error(path, 'cardinality', 'element does not repeat: must not be a JSON array');
      } else {
        this.value(value, def, path);
      }
      return;
    }
    if (!Array.isArray(value)) {
      this.error(path, 'cardinality', 'element repeats: must be a JSON array');
      return;
    }
    if (value.length === 0) {
      this.error(path, 'ele-1', 'empty array (omit the element instead)');
      return;
    }
    const extensions = def.kind === 'primitive' ? object[`_${key}`] : undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || item === undefined) {
        // In a primitive array a null keeps positions aligned with `_name`, whose item at the
        // same index then carries the id or extensions (R4 json.html#primitive).
        if (!(Array.isArray(extensions) && isPresentValue(extensions[i]))) {
          this.error(
            `${path}[${i}]`,
            'ele-1',
            'null in an array without id or extensions at the same index in _' + safeName(key),
          );
        }
        continue;
      }
      this.value(item, def, `${path}[${i}]`);
    }
  }

  /** `_name`: the id and extensions of primitive `name`, shaped like it (single or array). */
  private primitiveExtension(
    object: JsonObject,
    name: string,
    value: unknown,
    def: ElementDef,
    path: string,
  ): void {
    if (value === null) {
      this.error(path, 'ele-1', 'null is not a value (omit the element instead)');
      return;
    }
    if (!def.multiple) {
      if (Array.isArray(value))
        this.error(path, 'cardinality', 'element does not repeat: must not be a JSON array');
      else {
        if (def.requiredBinding && !isPresentValue(object[name])) this.missingBoundCode(path, def);
        this.element(value, path);
      }
      return;
    }
    if (!Array.isArray(value)) {
      this.error(path, 'cardinality', 'element repeats: must be a JSON array');
      return;
    }
    const values = object[name];
    if (Array.isArray(values) && values.length !== value.length) {
      this.error(path, 'json-type', `must have as many items as ${safeName(name)}`);
    }
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || item === undefined) {
        if (!(Array.isArray(values) && isPresentValue(values[i]))) {
          this.error(
            `${path}[${i}]`,
            'ele-1',
            `null in an array without a value at the same index in ${safeName(name)}`,
          );
        }
        continue;
      }
      if (def.requiredBinding && !(Array.isArray(values) && isPresentValue(values[i]))) {
        this.missingBoundCode(`${path}[${i}]`, def);
      }
      this.primitiveType = def.type;
      this.element(item, `${path}[${i}]`);
    }
  }

  // HAPI refuses a code bound to a required value set that is sent without a value, even with a
  // data-absent-reason extension (Terminology_TX_Code_ValueSet_MISSING).
  private missingBoundCode(path: string, def: ElementDef): void {
    this.error(path, 'binding', `no code, and one from required value set ${def.requiredBinding} is needed`);
  }

  private element(value: unknown, path: string): void {
    if (isPlainObject(value)) this.object(value, this.elementIndex, path, false);
    else this.error(path, 'json-type', 'Element must be a JSON object');
  }

  private value(value: unknown, def: ElementDef, path: string): void {
    if (def.kind === 'primitive') {
      const problem = checkPrimitive(def.type, value);
      if (problem) this.report(problem.severity, path, problem.rule, problem.message);
      if ((!problem || problem.severity !== 'error') && def.requiredBinding && typeof value === 'string') {
        this.checkCode(value, def.requiredBinding, path);
      }
      // dom-3 also counts `#id` in canonicals and uris (Questionnaire.item.answerValueSet…).
      if (
        this.container.referenced &&
        typeof value === 'string' &&
        value.charCodeAt(0) === 35 /* # */ &&
        (def.type === 'canonical' || def.type === 'uri' || def.type === 'url')
      ) {
        this.container.referenced.add(value.slice(1));
      }
      return;
    }
    if (!isPlainObject(value)) {
      this.error(
        path,
        'json-type',
        `${def.kind === 'resource' ? 'a resource' : def.type} must be a JSON object`,
      );
      return;
    }
    if (def.kind === 'resource') {
      this.resource(value, path, def.name === 'contained');
      return;
    }
    const children = def.children;
    if (!children) return;
    this.object(value, children, path, false);
    if (def.requiredBinding && def.type === 'CodeableConcept')
      this.checkConceptBinding(value, def.requiredBinding, path);
    switch (def.typeCheck) {
      case TypeCheck.Coding:
        this.coding(value, path);
        break;
      case TypeCheck.Identifier:
        this.identifierSystem(value, path);
        break;
      case TypeCheck.Reference:
        this.reference(value, def, path);
        break;
      case TypeCheck.Period:
        this.period(value, path);
        break;
      case TypeCheck.Extension:
        this.extension(value, path);
        break;
      case TypeCheck.Invariants:
        checkTypeInvariants(def.type, value, path, this.invariantError);
        break;
    }
  }

  private checkCode(code: string, valueSetUrl: string, path: string): void {
    const byFormat = FORMAT_CHECKED_VALUE_SETS.get(valueSetUrl);
    if (byFormat) {
      if (!byFormat.test(code)) {
        this.error(path, 'binding', `code is not ${byFormat.what} (required value set ${valueSetUrl})`);
      }
      return;
    }
    const valueSet = this.defs.valueSet(valueSetUrl);
    if (valueSet && !valueSet.codes.has(code)) {
      this.error(path, 'binding', `code not in required value set ${valueSetUrl}`);
    }
  }

  // R4 binds CodeableConcepts with strength required (and no Coding-typed element), e.g.
  // Condition.clinicalStatus. Conformant when one coding is from the value set: the others may
  // be translations. FHIR.js instead wants every coding in it and passes a text-only concept.
  private checkConceptBinding(value: JsonObject, valueSetUrl: string, path: string): void {
    const valueSet = this.defs.valueSet(valueSetUrl);
    // Not shipped by FHIR.js (ucum-units, a LOINC answer list): cannot be checked here.
    if (!valueSet) return;
    const codings = Array.isArray(value.coding) ? value.coding : [];
    const fromValueSet = codings.some((coding: unknown) => {
      if (!isPlainObject(coding) || typeof coding.code !== 'string') return false;
      if (typeof coding.system !== 'string') return valueSet.codes.has(coding.code);
      return valueSet.bySystem.get(coding.system)?.has(coding.code) === true;
    });
    if (!fromValueSet) this.error(path, 'binding', `no coding from required value set ${valueSetUrl}`);
  }

  // A Coding of a complete code system R4 ships (v2 tables, v3, FHIR and THO systems) must hold a
  // code of it, wherever the Coding is (CodeableConcept.coding, Meta.tag, valueCoding,
  // Encounter.class), whatever the binding: HAPI refuses it ("Unknown code"), and so does a
  // Coding of such a system without a code. Case matters; the display is not compared (HAPI
  // does not either); abstract v3 codes (`_ActAccountCode`) are codes of the system.
  private coding(value: JsonObject, path: string): void {
    const system = value.system;
    if (typeof system !== 'string') return;
    const code = value.code;
    if (system === UCUM) {
      if (typeof code === 'string' && !isUcumUnit(code)) {
        this.error(`${path}.code`, 'code-system', `code is not a UCUM unit (${UCUM})`);
      }
      return;
    }
    const known = knownCodeSystemHas(system, typeof code === 'string' ? code : '');
    if (known === false) {
      this.error(
        typeof code === 'string' ? `${path}.code` : path,
        'code-system',
        typeof code === 'string'
          ? `code not in code system ${system}`
          : `coding of code system ${system} has no code`,
      );
    }
  }

  // HAPI (isIdentifierSystemReferenceValid): an Identifier.system is http:, https:, urn: or ldap:.
  private identifierSystem(value: JsonObject, path: string): void {
    const system = value.system;
    if (typeof system !== 'string' || system === '') return;
    if (!(
      system.startsWith('http:') ||
      system.startsWith('https:') ||
      system.startsWith('urn:') ||
      system.startsWith('ldap:')
    )) {
      this.error(
        `${path}.system`,
        'identifier-system',
        'Identifier.system must be an http(s):, urn: or ldap: URI',
      );
    }
  }

  // Extensions on one element (its `extension` or `modifierExtension` array): url, cross-version
  // urls, and for R4 core extensions their definition (see extension-rules.ts).
  private extensionPlacement(
    owner: JsonObject,
    items: unknown[],
    modifier: boolean,
    ownerPath: string,
    typeName: string,
    ownerIndex: ElementIndex | undefined,
    ownerName: string,
    isResource: boolean,
  ): void {
    const key = modifier ? 'modifierExtension' : 'extension';
    // Inside an extension: the sub-extensions of a complex extension, with relative urls.
    const parent = typeName === 'Extension' && typeof owner.url === 'string' ? owner.url : undefined;
    const parentDefinition = parent === undefined ? undefined : coreExtension(parent);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (!isPlainObject(item) || typeof item.url !== 'string' || item.url === '') continue;
      const url = item.url;
      const path = `${ownerPath}.${key}[${i}]`;
      if (parent !== undefined && !isAbsoluteExtensionUrl(url)) {
        if (parentDefinition) this.subExtension(item, url, parentDefinition, path);
        continue;
      }
      if (!isAbsoluteExtensionUrl(url)) {
        this.error(`${path}.url`, 'extension', 'Extension.url must be an absolute URI');
        continue;
      }
      if (isCrossVersionExtensionUrl(url)) {
        this.error(
          `${path}.url`,
          'extension',
          `cross-version extension (FHIR ${url.slice(20, 23)}) is not valid in R4: use an R4 element or extension`,
        );
        continue;
      }
      const definition = coreExtension(url);
      if (!definition) continue;
      if (definition.modifier !== modifier) {
        this.error(
          path,
          'extension',
          definition.modifier
            ? `${url} is a modifier extension: only allowed in modifierExtension`
            : `${url} is not a modifier extension: not allowed in modifierExtension`,
        );
      }
      if (
        definition.contexts &&
        !contextAllows(
          definition.contexts,
          typeName,
          ownerIndex ? `${ownerIndex.typeName}.${ownerName}` : undefined,
          ownerPath,
          isResource,
        )
      ) {
        this.error(
          path,
          'extension',
          `${url} is not allowed here (contexts: ${definition.contexts.join(', ')})`,
        );
      }
      this.extensionValue(item, url, definition.types, path);
    }
  }

  private subExtension(
    item: JsonObject,
    url: string,
    parent: { types: readonly string[]; extensions?: Readonly<Record<string, readonly string[]>> },
    path: string,
  ): void {
    const subs = parent.extensions;
    if (!subs || !Object.hasOwn(subs, url)) {
      this.error(`${path}.url`, 'extension', 'sub-extension is not defined by its R4 core extension');
      return;
    }
    this.extensionValue(item, 'the sub-extension', subs[url], path);
  }

  /** `types` empty: a complex extension, nested extensions only; else a value of one of them. */
  private extensionValue(item: JsonObject, what: string, types: readonly string[], path: string): void {
    const valueType = extensionValueType(item);
    if (types.length === 0) {
      if (valueType !== undefined) this.error(path, 'extension', `${what} is complex: it has no value[x]`);
      return;
    }
    if (valueType === undefined) {
      this.error(path, 'extension', `${what} needs a value (${types.join(', ')})`);
    } else if (!types.includes(valueType)) {
      this.error(path, 'extension', `${what} allows a value of type ${types.join(', ')} only`);
    }
  }

  private reference(value: JsonObject, def: ElementDef, path: string): void {
    let targetType: string | undefined;
    let targetPath = `${path}.reference`;
    const reference = value.reference;
    if (typeof reference === 'string' && reference !== '') {
      const parsed = parseReference(reference, this.defs.resourceTypes);
      switch (parsed.form) {
        case 'invalid':
          this.error(targetPath, 'ref-format', `reference is not valid: ${parsed.reason}`);
          return;
        case 'local':
          if (parsed.id === '') {
            if (this.container.containedId !== undefined) {
              this.container.referenced?.add(this.container.containedId);
            }
            if (!this.container.insideContained) {
              this.error(
                targetPath,
                'ref-1',
                '"#" (the container) is only valid inside a contained resource',
              );
            }
          } else {
            this.container.referenced?.add(parsed.id);
            if (!this.container.contained.has(parsed.id)) {
              this.error(
                targetPath,
                'ref-1',
                'local reference does not match the id of a contained resource',
              );
            } else {
              targetType = this.container.contained.get(parsed.id);
            }
          }
          break;
        case 'uuid':
          if (this.bundle) {
            if (!this.bundle.fullUrls.has(reference)) {
              this.error(
                targetPath,
                'bundle-reference',
                'urn:uuid reference does not match the fullUrl of an entry in the bundle',
              );
            } else {
              targetType = this.bundle.fullUrls.get(reference);
            }
          }
          break;
        case 'relative':
        case 'conditional':
        case 'absolute':
          targetType = parsed.type;
          break;
      }
    }
    const declared = value.type;
    if (typeof declared === 'string' && this.defs.resourceTypes.has(declared)) {
      if (targetType !== undefined && targetType !== declared) {
        this.error(
          `${path}.type`,
          'ref-target',
          `Reference.type says ${declared} but the reference points to a ${targetType}`,
        );
        return;
      }
      if (targetType === undefined) targetPath = `${path}.type`;
      targetType ??= declared;
    }
    if (targetType !== undefined && def.targetTypes && !def.targetTypes.has(targetType)) {
      this.error(
        targetPath,
        'ref-target',
        `a reference to ${targetType} is not allowed here (allowed: ${[...def.targetTypes].join(', ')})`,
      );
    }
  }

  // per-1: if both are present, start <= end. Values FHIRPath cannot compare (different precisions,
  // equal as far as both go: `2019-03` and `2019-03-15`) make the invariant empty, which HAPI
  // counts as failed; so do we.
  private period(value: JsonObject, path: string): void {
    const { start, end } = value;
    if (typeof start !== 'string' || typeof end !== 'string') return;
    if (!isValidDateTime(start) || !isValidDateTime(end)) return;
    const order = compareDateTimes(start, end);
    if (order === 1) this.error(path, 'per-1', 'Period.start is after Period.end');
    else if (order === undefined) {
      this.error(path, 'per-1', 'Period.start and Period.end cannot be compared (different precisions)');
    }
  }

  // ext-1: an extension has nested extensions or a value, not both.
  private extension(value: JsonObject, path: string): void {
    const nested = Array.isArray(value.extension) && value.extension.length > 0;
    const valued = Object.keys(value).some(
      (key) => (key.startsWith('value') || key.startsWith('_value')) && value[key] !== undefined,
    );
    if (nested && valued) this.error(path, 'ext-1', 'extension has both a value and nested extensions');
    else if (!nested && !valued)
      this.error(path, 'ext-1', 'extension has neither a value nor nested extensions');
  }
}

function isPresentValue(value: unknown): boolean {
  return value !== undefined && value !== null;
}

// A required element is present with a value, or (for a primitive) with only `_name`: a
// primitive may be sent without a value when an extension says why (data-absent-reason).
function isPresent(object: JsonObject, names: readonly string[], index: ElementIndex): boolean {
  for (const name of names) {
    if (object[name] !== undefined) return true;
    if (index.elements.get(name)?.kind === 'primitive' && object[`_${name}`] !== undefined) return true;
  }
  return false;
}

function containedIds(
  resource: JsonObject,
  types: ReadonlySet<string>,
): ReadonlyMap<string, string | undefined> {
  if (!Array.isArray(resource.contained) || resource.contained.length === 0) return NO_CONTAINED;
  const ids = new Map<string, string | undefined>();
  for (const item of resource.contained as unknown[]) {
    if (isPlainObject(item) && typeof item.id === 'string') {
      const type = item.resourceType;
      ids.set(item.id, typeof type === 'string' && types.has(type) ? type : undefined);
    }
  }
  return ids;
}
