import type { JsonSchema } from '../event-type-definition';

export const WEBHOOK_REQUESTED_SCHEMA: JsonSchema = {
  title: 'Event to announce to partners',
  description:
    'An event for partners (Standard Webhooks 1.0 body {type, timestamp, data}), fanned out by the ' +
    'dispatcher to every active endpoint subscribed to its type.',
  type: 'object',
  required: ['eventId', 'type', 'timestamp', 'data'],
  properties: {
    eventId: {
      type: 'string',
      minLength: 1,
      description:
        'Unique per event, stable when the same input is processed again; with the endpoint id it ' +
        'determines the webhook-id.',
    },
    integrationId: { type: 'string', minLength: 1, description: 'Absent for platform-wide events.' },
    type: { type: 'string', minLength: 1, description: 'Partner-facing event type, e.g. patient.admitted' },
    timestamp: { type: 'string', format: 'date-time' },
    data: { type: 'object', description: 'Thin payload: ids and references, no PHI, at most 20 KB as JSON.' },
  },
};
