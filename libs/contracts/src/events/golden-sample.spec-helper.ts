// Shared checks for every event type's golden sample (used by the *.spec.ts beside each contract).
// A golden sample is a frozen wire record: if a change to a class, schema or the envelope code breaks
// it, the change is breaking and belongs in a new `.v2` type instead.
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { decodeCloudEvent, encodeCloudEvent, type CloudEvent } from '../envelope/cloud-event';
import { isJsonContentType } from '../envelope/content-type';
import { isRfc3339 } from '../envelope/rfc3339';
import { validateEvent, validatePayload } from '../validation/payload-validation';
import type { EventTypeDefinition, JsonSchema } from './event-type-definition';

export interface GoldenSample {
  key: string;
  headers: Record<string, string>;
  /** The data: JSON for JSON content types (serialised compactly on the wire), else the text. */
  value: unknown;
}

export function goldenValueBytes(definition: EventTypeDefinition, golden: GoldenSample): Buffer {
  return isJsonContentType(definition.contentType)
    ? Buffer.from(JSON.stringify(golden.value), 'utf8')
    : Buffer.from(golden.value as string, 'utf8');
}

/** Decodes a golden sample, failing the test if it does not decode. */
export function decodeGolden(definition: EventTypeDefinition, golden: GoldenSample): CloudEvent {
  const decoded = decodeCloudEvent(golden.headers, goldenValueBytes(definition, golden));
  if (!decoded.ok) throw new Error(`golden sample of ${definition.type} does not decode: ${decoded.reason}`);
  return decoded.event;
}

export function describeGoldenSample(definition: EventTypeDefinition, golden: GoldenSample): void {
  describe(`golden sample of ${definition.type}`, () => {
    it('decodes as its registered type and content type', () => {
      const decoded = decodeCloudEvent(golden.headers, goldenValueBytes(definition, golden));
      expect(decoded).toMatchObject({
        ok: true,
        event: { type: definition.type, datacontenttype: definition.contentType },
      });
    });

    it('validates against its event type', () => {
      const event = decodeGolden(definition, golden);
      expect(validateEvent(event)).toMatchObject({ ok: true });
      if (definition.payload !== undefined) {
        expect(validatePayload(definition.payload, event.data)).toMatchObject({ ok: true });
      }
    });

    it('re-encodes to the same headers and value bytes', () => {
      const encoded = encodeCloudEvent(decodeGolden(definition, golden));
      expect(encoded.headers).toEqual(golden.headers);
      expect(encoded.value.equals(goldenValueBytes(definition, golden))).toBe(true);
    });

    it('round-trips encode then decode', () => {
      const event = decodeGolden(definition, golden);
      const encoded = encodeCloudEvent(event);
      expect(decodeCloudEvent(encoded.headers, encoded.value)).toEqual({ ok: true, event });
    });

    it('is the documented example', () => {
      expect(golden.value).toEqual(definition.example);
    });

    it('satisfies the JSON Schema the AsyncAPI document publishes', () => {
      expect(definition.schema).toBeDefined();
      expect(schemaProblems(definition.schema as JsonSchema, golden.value, '(root)')).toEqual([]);
    });

    it('has a record key', () => {
      expect(golden.key).toEqual(expect.stringMatching(/\S/));
    });

    const payload = definition.payload;
    if (payload !== undefined) {
      it('has a schema listing the payload class’s properties, required exactly where the class requires them', () => {
        const schema = definition.schema as JsonSchema;
        const { all, required } = classProperties(payload);
        expect(Object.keys(schema.properties ?? {}).sort()).toEqual(all);
        expect([...(schema.required ?? [])].sort()).toEqual(required);
      });
    }
  });
}

/** Property names of a class-validator class; required = without @IsOptional. */
export function classProperties(cls: new () => object): { all: string[]; required: string[] } {
  const optional = new Map<string, boolean>();
  for (const metadata of getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false)) {
    const isOptional = metadata.type === ValidationTypes.CONDITIONAL_VALIDATION;
    optional.set(metadata.propertyName, (optional.get(metadata.propertyName) ?? false) || isOptional);
  }
  const all = [...optional.keys()].sort();
  return { all, required: all.filter((name) => optional.get(name) === false) };
}

/** The JSON Schema subset in JsonSchema, enough to hold golden samples to what the document promises. */
export function schemaProblems(schema: JsonSchema, value: unknown, path: string): string[] {
  const problems: string[] = [];
  if (schema.const !== undefined && JSON.stringify(value) !== JSON.stringify(schema.const)) {
    problems.push(`${path}: const`);
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) problems.push(`${path}: enum`);
  if (schema.type !== undefined && jsonType(value, schema.type) !== schema.type) {
    return [...problems, `${path}: type ${schema.type}`];
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      problems.push(`${path}: minLength`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value))
      problems.push(`${path}: pattern`);
    if (schema.format === 'date-time' && !isRfc3339(value)) problems.push(`${path}: format date-time`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${path}: minimum`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${path}: maximum`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${path}: minItems`);
    if (schema.items !== undefined) {
      const items = schema.items;
      value.forEach((item, index) => problems.push(...schemaProblems(items, item, `${path}[${index}]`)));
    }
  } else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (record[name] === undefined) problems.push(`${path}.${name}: required`);
    }
    for (const [name, propertySchema] of Object.entries(schema.properties ?? {})) {
      if (record[name] !== undefined)
        problems.push(...schemaProblems(propertySchema, record[name], `${path}.${name}`));
    }
  }
  return problems;
}

function jsonType(value: unknown, expected: NonNullable<JsonSchema['type']>): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number')
    return expected === 'integer' && Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
