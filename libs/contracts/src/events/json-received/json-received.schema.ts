import type { JsonSchema } from '../event-type-definition';

export const JSON_RECEIVED_SCHEMA: JsonSchema = {
  title: 'Upstream JSON document',
  description:
    'A JSON document from an upstream system, as received. Its shape is the sender’s; the integration’s ' +
    'mapping rules turn it into FHIR. Any JSON object is accepted here.',
  type: 'object',
};
