import { isJsonContentType, isTextContentType } from '../envelope/content-type';
import { EVENT_TYPES, eventTypeOf } from './event-types';

const definitions = Object.values(EVENT_TYPES);

describe('EVENT_TYPES', () => {
  it('is keyed by each definition’s ce_type', () => {
    for (const [key, definition] of Object.entries(EVENT_TYPES)) expect(definition.type).toBe(key);
  });

  it.each(definitions.map((definition) => definition.type))(
    '%s is reverse-DNS with a major version',
    (type) => {
      expect(type).toMatch(/^org\.meridian(\.[a-z0-9]+(-[a-z0-9]+)*)+\.v[1-9][0-9]*$/);
    },
  );

  it('gives every type a description, an example and a schema', () => {
    for (const definition of definitions) {
      expect(definition.description).toEqual(expect.stringMatching(/\S/));
      expect(definition.example).toBeDefined();
      expect(definition.schema).toBeDefined();
    }
  });

  it('has a payload class only where the data is JSON', () => {
    for (const definition of definitions.filter((candidate) => candidate.payload !== undefined)) {
      expect(isJsonContentType(definition.contentType)).toBe(true);
    }
    for (const definition of definitions.filter((candidate) => isTextContentType(candidate.contentType))) {
      expect(definition.payload).toBeUndefined();
    }
  });

  it('is frozen', () => {
    expect(() => {
      (EVENT_TYPES as Record<string, unknown>)['org.meridian.sneaky.v1'] = {};
    }).toThrow(TypeError);
    expect(() => {
      (EVENT_TYPES['org.meridian.alert.v1'] as { contentType: string }).contentType = 'text/plain';
    }).toThrow(TypeError);
  });
});

describe(eventTypeOf.name, () => {
  it('finds registered types and nothing else', () => {
    expect(eventTypeOf('org.meridian.fhir.bundle.v1')?.contentType).toBe('application/fhir+json');
    expect(eventTypeOf('org.meridian.fhir.bundle.v2')).toBeUndefined();
    expect(eventTypeOf('toString')).toBeUndefined();
    expect(eventTypeOf('__proto__')).toBeUndefined();
  });
});
