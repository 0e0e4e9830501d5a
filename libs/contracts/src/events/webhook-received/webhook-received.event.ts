import type { EventTypeDefinition } from '../event-type-definition';
import { WebhookReceivedPayload } from './webhook-received.payload';
import { WEBHOOK_RECEIVED_SCHEMA } from './webhook-received.schema';

export const WEBHOOK_RECEIVED_V1 = 'org.meridian.webhook.received.v1';

export const webhookReceivedV1: EventTypeDefinition = {
  type: WEBHOOK_RECEIVED_V1,
  contentType: 'application/json',
  payload: WebhookReceivedPayload,
  description: 'A partner’s inbound webhook, signature verified by the gateway, for the transformer to map.',
  example: {
    webhookId: 'msg_p9Lk2Xc8Vb4Nm1Qa',
    integrationId: 'int-acme-scheduling',
    type: 'appointment.booked',
    timestamp: '2025-01-14T09:00:00Z',
    data: { appointmentId: 'apt-77120', patientRef: 'acme-patient-5521', start: '2025-01-20T14:00:00Z' },
  },
  schema: WEBHOOK_RECEIVED_SCHEMA,
};
