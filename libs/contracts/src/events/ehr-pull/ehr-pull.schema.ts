import type { JsonSchema } from '../event-type-definition';
import { FHIR_RESOURCE_TYPE } from './ehr-pull.payload';

export const EHR_PULL_SCHEMA: JsonSchema = {
  title: 'EHR pull',
  description: 'Read what changed on an integration’s FHIR server since a time. Ids and times only.',
  type: 'object',
  required: ['jobId', 'integrationId', 'resourceTypes', 'requestedAt'],
  properties: {
    jobId: { type: 'string', minLength: 1, description: 'The sync job; echoed on the result.' },
    integrationId: { type: 'string', minLength: 1 },
    resourceTypes: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', pattern: FHIR_RESOURCE_TYPE.source },
      description: 'FHIR resource types to search, e.g. Patient.',
    },
    since: {
      type: 'string',
      format: 'date-time',
      description: 'Changes strictly after this time (_lastUpdated=gt); absent: everything.',
    },
    requestedAt: { type: 'string', format: 'date-time' },
  },
};
