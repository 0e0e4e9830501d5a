import { ERROR_SUMMARY_SCHEMA } from '../error-summary';
import type { JsonSchema } from '../event-type-definition';
import { WEBHOOK_DELIVERY_OUTCOMES } from './webhook-delivery.payload';

export const WEBHOOK_DELIVERY_SCHEMA: JsonSchema = {
  title: 'Webhook delivery attempt',
  description:
    'One attempt to deliver one webhook. Never carries the webhook body; responseBody is the start of ' +
    'what the endpoint answered, for the delivery log.',
  type: 'object',
  required: ['webhookId', 'endpointId', 'attempt', 'outcome'],
  properties: {
    webhookId: { type: 'string', pattern: '^msg_[A-Za-z0-9_-]+$' },
    integrationId: { type: 'string', minLength: 1, description: 'Absent for platform-wide events.' },
    endpointId: { type: 'string', minLength: 1 },
    attempt: { type: 'integer', minimum: 1 },
    outcome: {
      type: 'string',
      enum: WEBHOOK_DELIVERY_OUTCOMES,
      description:
        'failed: another attempt is scheduled (nextAttemptAt); exhausted: sent to the DLQ; disabled: endpoint disabled',
    },
    statusCode: { type: 'integer', minimum: 100, maximum: 599 },
    durationMs: { type: 'number', minimum: 0 },
    nextAttemptAt: { type: 'string', format: 'date-time' },
    error: ERROR_SUMMARY_SCHEMA,
    type: { type: 'string', minLength: 1, description: 'The event type delivered, e.g. patient.admitted' },
    responseBody: {
      type: 'string',
      description:
        'The first 1 KiB of the response body as text; written by the partner, shown to operators.',
    },
  },
};
