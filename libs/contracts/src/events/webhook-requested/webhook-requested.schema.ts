import type { JsonSchema } from '../event-type-definition';

export const WEBHOOK_REQUESTED_SCHEMA: JsonSchema = {
  title: 'Webhook to deliver',
  description:
    'A webhook to deliver to one partner endpoint (Standard Webhooks 1.0). The body sent is ' +
    '{type, timestamp, data}; webhookId becomes the webhook-id header on every attempt.',
  type: 'object',
  required: ['webhookId', 'integrationId', 'endpointId', 'type', 'timestamp', 'data'],
  properties: {
    webhookId: { type: 'string', pattern: '^msg_[A-Za-z0-9_-]+$' },
    integrationId: { type: 'string', minLength: 1 },
    endpointId: { type: 'string', minLength: 1 },
    type: { type: 'string', minLength: 1, description: 'Partner-facing event type, e.g. patient.admitted' },
    timestamp: { type: 'string', format: 'date-time' },
    data: { type: 'object', description: 'Thin payload: ids and references, no PHI, < 20 KB.' },
  },
};
