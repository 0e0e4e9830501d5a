import type { JsonSchema } from '../event-type-definition';
import { FHIR_BUNDLE_TYPES, FHIR_HTTP_VERBS } from './fhir-bundle.payload';

export const FHIR_BUNDLE_SCHEMA: JsonSchema = {
  title: 'FHIR R4 Bundle',
  description:
    'A FHIR R4 Bundle (https://hl7.org/fhir/R4/bundle.html) in FHIR JSON. Only the elements below are ' +
    'checked on the way in; resources are validated against FHIR R4 downstream. Unknown elements are kept.',
  type: 'object',
  required: ['resourceType', 'type', 'entry'],
  properties: {
    resourceType: { const: 'Bundle' },
    id: { type: 'string' },
    type: { type: 'string', enum: FHIR_BUNDLE_TYPES },
    timestamp: { type: 'string', format: 'date-time' },
    entry: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          fullUrl: { type: 'string' },
          resource: {
            type: 'object',
            required: ['resourceType'],
            properties: { resourceType: { type: 'string', minLength: 1 }, id: { type: 'string' } },
          },
          request: {
            type: 'object',
            required: ['method', 'url'],
            properties: {
              method: { type: 'string', enum: FHIR_HTTP_VERBS },
              url: {
                type: 'string',
                minLength: 1,
                description:
                  'Prefer conditional URLs (Patient?identifier=system|value): redelivery is then harmless.',
              },
            },
          },
          response: { type: 'object' },
        },
      },
    },
  },
};
