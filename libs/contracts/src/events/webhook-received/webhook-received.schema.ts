import type { JsonSchema } from '../event-type-definition';

export const WEBHOOK_RECEIVED_SCHEMA: JsonSchema = {
  title: 'Verified inbound webhook',
  description:
    'A partner webhook (Standard Webhooks 1.0 body {type, timestamp, data}) whose signature verified.',
  type: 'object',
  required: ['webhookId', 'integrationId', 'type', 'timestamp', 'data'],
  properties: {
    webhookId: { type: 'string', minLength: 1, description: 'The partner’s webhook-id header.' },
    integrationId: { type: 'string', minLength: 1 },
    type: { type: 'string', minLength: 1 },
    timestamp: { type: 'string', format: 'date-time' },
    data: { type: 'object' },
  },
};
