import type { EventTypeDefinition } from '../event-type-definition';
import { WebhookRequestedPayload } from './webhook-requested.payload';
import { WEBHOOK_REQUESTED_SCHEMA } from './webhook-requested.schema';

export const WEBHOOK_REQUESTED_V1 = 'org.meridian.webhook.requested.v1';

export const webhookRequestedV1: EventTypeDefinition = {
  type: WEBHOOK_REQUESTED_V1,
  contentType: 'application/json',
  payload: WebhookRequestedPayload,
  description:
    'An event to announce to partners; the webhook dispatcher delivers it to every active endpoint ' +
    'subscribed to its type.',
  example: {
    eventId: '0e9b6a3c-4f1d-5a2b-8c7e-6d5f4a3b2c1d',
    integrationId: 'int-goodhealth-adt',
    type: 'patient.admitted',
    timestamp: '2025-01-14T08:30:02Z',
    data: { patient: 'Patient/48213', encounter: 'Encounter/99120' },
  },
  schema: WEBHOOK_REQUESTED_SCHEMA,
};
