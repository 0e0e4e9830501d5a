import type { EventTypeDefinition } from '../event-type-definition';
import { WebhookRequestedPayload } from './webhook-requested.payload';
import { WEBHOOK_REQUESTED_SCHEMA } from './webhook-requested.schema';

export const WEBHOOK_REQUESTED_V1 = 'org.meridian.webhook.requested.v1';

export const webhookRequestedV1: EventTypeDefinition = {
  type: WEBHOOK_REQUESTED_V1,
  contentType: 'application/json',
  payload: WebhookRequestedPayload,
  description: 'A signed webhook the webhook dispatcher must deliver to one partner endpoint.',
  example: {
    webhookId: 'msg_2mHcT0bQk4yQx7Zr',
    integrationId: 'int-goodhealth-adt',
    endpointId: 'ep-acme-care',
    type: 'patient.admitted',
    timestamp: '2025-01-14T08:30:02Z',
    data: { patient: 'Patient/48213', encounter: 'Encounter/99120' },
  },
  schema: WEBHOOK_REQUESTED_SCHEMA,
};
