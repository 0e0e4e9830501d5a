import { isAbsoluteUri } from './primitive-formats';
import { PRIMITIVE_TYPES } from './r4-definitions';
import type { R4ExtensionDefinition } from './terminology/extension-definition';
import { R4_EXTENSIONS } from './terminology/r4-extensions.generated';

// What HAPI FHIR's R4 validator checks about an extension before looking at its value, measured
// against its `$validate` (see README "Extensions"): an absolute url; no cross-version extension
// (`http://hl7.org/fhir/5.0/StructureDefinition/extension-…`: HAPI has no cross-version packages and
// refuses every one, `Extension_EXT_Version_Invalid`); and for an R4 core extension its
// definition: value types, sub-extensions, modifier or not, and the element it sits on. Unknown
// extensions (project-local `https://…`, `urn:…`, even unknown `http://hl7.org/fhir/…` ones) pass,
// as they do in HAPI.

export type { R4ExtensionDefinition };

/** An R4 core extension's definition, or undefined for any other url. */
export function coreExtension(url: string): R4ExtensionDefinition | undefined {
  return Object.hasOwn(R4_EXTENSIONS, url) ? R4_EXTENSIONS[url] : undefined;
}

const CROSS_VERSION_PREFIX = 'http://hl7.org/fhir/';
const CROSS_VERSION_PATH = '/StructureDefinition/extension-';

/**
 * HAPI's cross-version extension url (XVerExtensionManager.matchingUrl): `http://hl7.org/fhir/`, a
 * `d.d` version, `/StructureDefinition/extension-`, and at least two more characters.
 */
export function isCrossVersionExtensionUrl(url: string): boolean {
  if (url.length < 56 || !url.startsWith(CROSS_VERSION_PREFIX)) return false;
  const version = url.slice(20, 23);
  return (
    isDigit(version.charCodeAt(0)) &&
    version.charCodeAt(1) === 46 /* . */ &&
    isDigit(version.charCodeAt(2)) &&
    url.startsWith(CROSS_VERSION_PATH, 23)
  );
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function isAbsoluteExtensionUrl(url: string): boolean {
  return isAbsoluteUri(url);
}

/** The `value[x]` type of an extension object (`valueAddress` → `Address`), or undefined. */
export function extensionValueType(extension: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(extension)) {
    if (key.length > 5 && key.startsWith('value') && extension[key] !== undefined) {
      const type = key.slice(5);
      // Primitive type names start lowercase (valueDateTime → dateTime), complex ones uppercase.
      const lower = type.charAt(0).toLowerCase() + type.slice(1);
      return PRIMITIVE_VALUE_TYPES.has(lower) ? lower : type;
    }
    if (key.length > 6 && key.startsWith('_value') && extension[key.slice(1)] === undefined) {
      const type = key.slice(6);
      const lower = type.charAt(0).toLowerCase() + type.slice(1);
      return PRIMITIVE_VALUE_TYPES.has(lower) ? lower : type;
    }
  }
  return undefined;
}

/** The primitive types an extension's value[x] may take: every R4 primitive but xhtml. */
const PRIMITIVE_VALUE_TYPES: ReadonlySet<string> = new Set([...PRIMITIVE_TYPES].filter((t) => t !== 'xhtml'));

// Data types that are profiles of another: an extension whose context is Quantity may sit on an
// Age (HAPI accepts iso21090-uncertainty on Condition.onsetAge).
const SUPERTYPES: Readonly<Record<string, string>> = {
  Age: 'Quantity',
  Count: 'Quantity',
  Distance: 'Quantity',
  Duration: 'Quantity',
  MoneyQuantity: 'Quantity',
  SimpleQuantity: 'Quantity',
};

/**
 * Whether an extension with these contexts may sit on an element. `typeName` is the element's
 * type (`HumanName`, `date`, a resource type, or a backbone element's path such as
 * `Observation.component`), `typePath` its path inside its parent type (`HumanName.family`), and
 * `walkPath` the walker's path of the element, from which the path from the resource is taken
 * (`Bundle.entry[0].resource.Patient.name[0]` → `Patient.name`).
 */
export function contextAllows(
  contexts: readonly string[],
  typeName: string,
  typePath: string | undefined,
  walkPath: string,
  isResource: boolean,
): boolean {
  let fromResource: string | undefined;
  for (const context of contexts) {
    if (context === 'Element' || context === typeName || context === typePath) return true;
    if (isResource && (context === 'Resource' || context === 'DomainResource')) return true;
    if (context === 'BackboneElement' && typeName.includes('.')) return true;
    if (Object.hasOwn(SUPERTYPES, typeName) && SUPERTYPES[typeName] === context) return true;
    fromResource ??= pathFromResource(walkPath);
    if (context === fromResource) return true;
  }
  return false;
}

/** `Bundle.entry[0].resource.Patient.name[0]._family` → `Patient.name.family`. */
export function pathFromResource(walkPath: string): string {
  const segments = walkPath.replace(/\[[0-9]+\]/g, '').split('.');
  let start = 0;
  for (let i = segments.length - 1; i >= 0; i--) {
    // Element names start lowercase (or `_`); only resource types start uppercase.
    const code = segments[i].charCodeAt(0);
    if (code >= 65 && code <= 90) {
      start = i;
      break;
    }
  }
  return segments
    .slice(start)
    .map((segment) => (segment.startsWith('_') ? segment.slice(1) : segment))
    .join('.');
}
