import type { JsonSchema } from '../event-type-definition';

export const WEBHOOK_DISPATCH_SCHEMA: JsonSchema = {
  title: 'Webhook to deliver to one endpoint',
  description:
    'One message (Standard Webhooks 1.0 body {type, timestamp, data}) for one endpoint, and the attempt ' +
    'it is for. webhookId is the webhook-id header of every attempt.',
  type: 'object',
  required: ['webhookId', 'endpointId', 'eventId', 'type', 'timestamp', 'data', 'attempt'],
  properties: {
    webhookId: { type: 'string', pattern: '^msg_[A-Za-z0-9_-]+$' },
    endpointId: { type: 'string', minLength: 1 },
    eventId: { type: 'string', minLength: 1, description: 'The eventId of the webhook.requested event.' },
    integrationId: { type: 'string', minLength: 1 },
    type: { type: 'string', minLength: 1 },
    timestamp: { type: 'string', format: 'date-time' },
    data: { type: 'object', description: 'Thin payload: ids and references, no PHI, at most 20 KB as JSON.' },
    attempt: { type: 'integer', minimum: 1, description: 'The attempt this record is for; 1 for the first.' },
    firstAttemptAt: { type: 'string', format: 'date-time' },
    dueAt: { type: 'string', format: 'date-time', description: 'Not before then; absent = now.' },
  },
};
