import type { ParsedProperty } from 'fhir/model/parsed-property';
import { ParseConformance } from 'fhir/parseConformance';

// The R4 base definitions as FHIR.js ships them (profiles/types.json: every resource and data
// type's elements parsed from the R4 StructureDefinitions; profiles/valuesets.json: expanded
// value sets), loaded once on first use and compiled into lookup tables the walker can use
// without scanning lists. Where FHIR.js's parsed form is wrong or lossy, the compilation
// corrects it; each correction says what it fixes.

export const PRIMITIVE_TYPES: ReadonlySet<string> = new Set([
  'base64Binary',
  'boolean',
  'canonical',
  'code',
  'date',
  'dateTime',
  'decimal',
  'id',
  'instant',
  'integer',
  'markdown',
  'oid',
  'positiveInt',
  'string',
  'time',
  'unsignedInt',
  'uri',
  'url',
  'uuid',
  'xhtml',
]);

export type ElementKind = 'primitive' | 'complex' | 'backbone' | 'resource';

export interface ElementDef {
  /** The JSON property name; a choice variant has its type in it (`valueQuantity`). */
  readonly name: string;
  /** FHIR type code: `dateTime`, `Quantity`, `BackboneElement`, `Resource`. */
  readonly type: string;
  readonly kind: ElementKind;
  readonly multiple: boolean;
  /** For a choice variant, the choice's name without `[x]` (`value`). */
  readonly choice: string | undefined;
  /** URL of the value set bound with strength `required` (version stripped), if any. */
  readonly requiredBinding: string | undefined;
  /** For a Reference: the resource types it may point to; undefined when any is allowed. */
  readonly targetTypes: ReadonlySet<string> | undefined;
  /** For complex and backbone elements: their own elements. */
  readonly children: ElementIndex | undefined;
  /**
   * The walker's type-specific checks for this element's type, decided once here rather than by
   * comparing type names for every element (see TYPE_CHECKS).
   */
  readonly typeCheck: TypeCheck;
}

/** Type-specific checks of the walker, by element type. */
export enum TypeCheck {
  None = 0,
  Reference,
  Period,
  Extension,
  Coding,
  Identifier,
  /** A data type with invariants (Quantity and its kinds, ContactPoint, Attachment, Range, Ratio, Timing). */
  Invariants,
}

const TYPE_CHECKS: ReadonlyMap<string, TypeCheck> = new Map([
  ['Reference', TypeCheck.Reference],
  ['Period', TypeCheck.Period],
  ['Extension', TypeCheck.Extension],
  ['Coding', TypeCheck.Coding],
  ['Identifier', TypeCheck.Identifier],
  ...[
    'Quantity',
    'Age',
    'Count',
    'Distance',
    'Duration',
    'ContactPoint',
    'Attachment',
    'Range',
    'Ratio',
    'Timing',
  ].map((type): [string, TypeCheck] => [type, TypeCheck.Invariants]),
]);

export interface RequiredElement {
  /** JSON name, or the choice's name for a required choice. */
  readonly name: string;
  /** Every JSON name that satisfies it (one, or all variants of a choice). */
  readonly names: readonly string[];
  readonly choice: boolean;
}

export interface ElementIndex {
  /** Type or backbone path (`Patient`, `HumanName`, `Observation.component`). */
  readonly typeName: string;
  readonly elements: ReadonlyMap<string, ElementDef>;
  readonly required: readonly RequiredElement[];
}

export interface ValueSetCodes {
  readonly codes: ReadonlySet<string>;
  readonly bySystem: ReadonlyMap<string, ReadonlySet<string>>;
}

type ParsedValueSets = ParseConformance['parsedValueSets'];
type ParsedStructures = ParseConformance['parsedStructureDefinitions'];

// Abstract in R4: never the resourceType of an instance.
const ABSTRACT_RESOURCES = new Set(['Resource', 'DomainResource']);

// Required bindings to value sets FHIR.js does not ship. v3-ConfidentialityClassification is
// small and stable, so its codes are listed here; mimetypes and currencies are checked by
// format in primitive-formats.ts; ucum-units and loinc LL379-9 stay unchecked.
const SUPPLEMENTARY_VALUE_SETS: Record<string, ValueSetCodes> = {
  'http://terminology.hl7.org/ValueSet/v3-ConfidentialityClassification': codesOf(
    'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
    ['U', 'L', 'M', 'N', 'R', 'V'],
  ),
};

function codesOf(system: string, codes: string[]): ValueSetCodes {
  const set = new Set(codes);
  return { codes: set, bySystem: new Map([[system, set]]) };
}

export class R4Definitions {
  readonly resourceTypes: ReadonlySet<string>;
  private readonly structures: ParsedStructures;
  private readonly valueSets: ParsedValueSets;
  private readonly typeIndexes = new Map<string, ElementIndex>();
  private readonly valueSetCodes = new Map<string, ValueSetCodes | null>();

  constructor(readonly parser: ParseConformance) {
    this.structures = parser.parsedStructureDefinitions;
    this.valueSets = parser.parsedValueSets;
    this.resourceTypes = new Set(
      Object.keys(this.structures).filter(
        (name) => this.structures[name]._kind === 'resource' && !ABSTRACT_RESOURCES.has(name),
      ),
    );
  }

  /** The elements of a resource or data type, or undefined for an unknown name. */
  typeIndex(typeName: string): ElementIndex | undefined {
    const cached = this.typeIndexes.get(typeName);
    if (cached) return cached;
    const structure = Object.hasOwn(this.structures, typeName) ? this.structures[typeName] : undefined;
    if (!structure?._properties || PRIMITIVE_TYPES.has(typeName)) return undefined;
    const index = this.compile(structure._properties, typeName, structure._kind === 'resource');
    this.typeIndexes.set(typeName, index);
    return index;
  }

  /** Codes of a bundled value set; undefined when FHIR.js does not ship it. */
  valueSet(url: string): ValueSetCodes | undefined {
    let codes = this.valueSetCodes.get(url);
    if (codes === undefined) {
      codes = this.loadValueSet(url) ?? null;
      this.valueSetCodes.set(url, codes);
    }
    return codes ?? undefined;
  }

  private loadValueSet(url: string): ValueSetCodes | undefined {
    if (Object.hasOwn(SUPPLEMENTARY_VALUE_SETS, url)) return SUPPLEMENTARY_VALUE_SETS[url];
    const parsed = Object.hasOwn(this.valueSets, url) ? this.valueSets[url] : undefined;
    if (!parsed) return undefined;
    const all = new Set<string>();
    const bySystem = new Map<string, Set<string>>();
    for (const system of parsed.systems) {
      const set = bySystem.get(system.uri) ?? new Set<string>();
      for (const concept of system.codes) {
        set.add(concept.code);
        all.add(concept.code);
      }
      bySystem.set(system.uri, set);
    }
    return { codes: all, bySystem };
  }

  private compile(properties: ParsedProperty[], typeName: string, isResource: boolean): ElementIndex {
    const elements = new Map<string, ElementDef>();
    const required: RequiredElement[] = [];
    const requiredChoices = new Set<string>();
    const choiceNames = new Map<string, string[]>();
    for (const property of properties) {
      // FHIR.js lists `_name` siblings only for some primitives (not `valueUuid`); the walker
      // derives them from the primitive element instead.
      if (property._name.startsWith('_')) continue;
      // FHIR.js keeps `[x]` in backbone choice names but not in top-level ones.
      const choice = property._choice?.replace(/\[x\]$/, '');
      const def = this.element(property, typeName, isResource, choice);
      elements.set(def.name, def);
      if (choice) {
        choiceNames.set(choice, [...(choiceNames.get(choice) ?? []), def.name]);
        // FHIR.js marks every variant of a required choice as required; the choice is.
        if (property._required) requiredChoices.add(choice);
      } else if (property._required) {
        required.push({ name: def.name, names: [def.name], choice: false });
      }
    }
    for (const choice of requiredChoices) {
      required.push({ name: choice, names: choiceNames.get(choice) ?? [], choice: true });
    }
    return { typeName, elements, required };
  }

  private element(
    property: ParsedProperty,
    typeName: string,
    isResource: boolean,
    choice: string | undefined,
  ): ElementDef {
    const name = property._name;
    let type = property._type;
    // FHIR.js types every top-level `id` as `id`; only a resource's id is one. Element.id is a
    // string, and Extension.url is a uri (FHIR.js reads the System.String it is written as).
    if (name === 'id' && !isResource) type = 'string';
    if (name === 'url' && typeName === 'Extension') type = 'uri';
    const requiredBinding =
      property._valueSetStrength === 'required' && property._valueSet
        ? property._valueSet.split('|')[0]
        : undefined;
    const multiple = property._multiple === true;
    const make = (
      kind: ElementKind,
      elementType: string,
      children?: () => ElementIndex | undefined,
      targetTypes?: ReadonlySet<string>,
    ) =>
      new CompiledElement(name, elementType, kind, multiple, choice, requiredBinding, targetTypes, children);
    if (PRIMITIVE_TYPES.has(type)) return make('primitive', type);
    if (type === 'Resource') return make('resource', type);
    if (type.startsWith('#')) {
      // A contentReference (`#Bundle.link`): the same elements as the element it names.
      // FHIR.js does not descend into these; the walker does.
      return make('backbone', 'BackboneElement', this.contentReference(type.slice(1)));
    }
    if ((type === 'BackboneElement' || type === 'Element') && property._properties) {
      // FHIR.js treats an `Element`-typed group (Timing.repeat, Dosage.doseAndRate) as a
      // primitive and never looks inside; the walker does.
      const path = `${typeName}.${name}`;
      const children = property._properties;
      return make('backbone', 'BackboneElement', () => this.compile(children, path, false));
    }
    if (type === 'Reference') {
      const targets = (property._targetProfiles ?? []).map((url) => url.slice(url.lastIndexOf('/') + 1));
      const targetTypes = targets.length && !targets.includes('Resource') ? new Set(targets) : undefined;
      return make('complex', type, () => this.typeIndex(type), targetTypes);
    }
    return make('complex', type, () => this.typeIndex(type));
  }

  /** `Bundle.link`, `Questionnaire.item`, `Observation.referenceRange` → that element's elements. */
  private contentReference(path: string): () => ElementIndex | undefined {
    return () => {
      const [typeName, ...names] = path.split('.');
      let index = this.typeIndex(typeName);
      for (const name of names) index = index?.elements.get(name)?.children;
      return index;
    };
  }
}

// Children are compiled on first use: recursive structures (Questionnaire.item.item,
// Extension.extension) would otherwise never finish, and most types are never met.
class CompiledElement implements ElementDef {
  private compiled = false;
  private index: ElementIndex | undefined;
  readonly typeCheck: TypeCheck;

  constructor(
    readonly name: string,
    readonly type: string,
    readonly kind: ElementKind,
    readonly multiple: boolean,
    readonly choice: string | undefined,
    readonly requiredBinding: string | undefined,
    readonly targetTypes: ReadonlySet<string> | undefined,
    private readonly compileChildren: (() => ElementIndex | undefined) | undefined,
  ) {
    this.typeCheck = TYPE_CHECKS.get(type) ?? TypeCheck.None;
  }

  get children(): ElementIndex | undefined {
    if (!this.compiled) {
      this.index = this.compileChildren?.();
      this.compiled = true;
    }
    return this.index;
  }
}

let shared: R4Definitions | undefined;

/** The R4 definitions, parsed once per process on first use (about 100 ms). */
export function r4Definitions(): R4Definitions {
  shared ??= new R4Definitions(new ParseConformance(true));
  return shared;
}
