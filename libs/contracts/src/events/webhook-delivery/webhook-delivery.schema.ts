import { ERROR_SUMMARY_SCHEMA } from '../error-summary';
import type { JsonSchema } from '../event-type-definition';
import { WEBHOOK_DELIVERY_OUTCOMES } from './webhook-delivery.payload';

export const WEBHOOK_DELIVERY_SCHEMA: JsonSchema = {
  title: 'Webhook delivery attempt',
  description: 'One attempt to deliver one webhook. Never carries the body or the response body.',
  type: 'object',
  required: ['webhookId', 'integrationId', 'endpointId', 'attempt', 'outcome'],
  properties: {
    webhookId: { type: 'string', pattern: '^msg_[A-Za-z0-9_-]+$' },
    integrationId: { type: 'string', minLength: 1 },
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
  },
};
