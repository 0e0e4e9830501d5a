import type { EventTypeDefinition } from '../event-type-definition';
import { JSON_RECEIVED_SCHEMA } from './json-received.schema';

export const JSON_RECEIVED_V1 = 'org.meridian.json.received.v1';

export const jsonReceivedV1: EventTypeDefinition = {
  type: JSON_RECEIVED_V1,
  contentType: 'application/json',
  // No payload class: the shape belongs to the sender and is checked by the integration's mapping.
  description:
    'A JSON document accepted from a sender before mapping. The transformer applies the integration’s ' +
    'mapping rules to turn it into FHIR.',
  example: {
    patient: { mrn: 'MRN-000123', family: 'Doe', given: 'Jane', birthDate: '1980-01-01' },
    event: 'admit',
    ward: 'W-101',
  },
  schema: JSON_RECEIVED_SCHEMA,
};
