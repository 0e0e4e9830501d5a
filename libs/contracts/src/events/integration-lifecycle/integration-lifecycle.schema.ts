import { ERROR_SUMMARY_SCHEMA } from '../error-summary';
import type { JsonSchema } from '../event-type-definition';
import { LIFECYCLE_STATUSES } from './integration-lifecycle.payload';

export const INTEGRATION_LIFECYCLE_SCHEMA: JsonSchema = {
  title: 'Integration lifecycle step',
  description: 'One step of one message through an integration. Ids only; never PHI.',
  type: 'object',
  required: ['integrationId', 'correlationId', 'status', 'step', 'attempt'],
  properties: {
    integrationId: { type: 'string', minLength: 1 },
    correlationId: { type: 'string', minLength: 1, description: 'Same as the ce_correlationid header.' },
    status: { type: 'string', enum: LIFECYCLE_STATUSES },
    step: { type: 'string', minLength: 1, description: '<service>.<step>, e.g. transformer.hl7-to-fhir' },
    attempt: { type: 'integer', minimum: 1 },
    durationMs: { type: 'number', minimum: 0 },
    error: ERROR_SUMMARY_SCHEMA,
  },
};
