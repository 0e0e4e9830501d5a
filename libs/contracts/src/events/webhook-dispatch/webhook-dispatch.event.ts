import type { EventTypeDefinition } from '../event-type-definition';
import { WebhookDispatchPayload } from './webhook-dispatch.payload';
import { WEBHOOK_DISPATCH_SCHEMA } from './webhook-dispatch.schema';

export const WEBHOOK_DISPATCH_V1 = 'org.meridian.webhook.dispatch.v1';

export const webhookDispatchV1: EventTypeDefinition = {
  type: WEBHOOK_DISPATCH_V1,
  contentType: 'application/json',
  payload: WebhookDispatchPayload,
  description:
    'One webhook for one partner endpoint and the attempt it is for; the dispatcher’s own work queue ' +
    'and retry tiers.',
  example: {
    webhookId: 'msg_2mHcT0bQk4yQx7Zr',
    endpointId: '2f6d8a1e-3b4c-4d5e-8f9a-0b1c2d3e4f5a',
    eventId: '0e9b6a3c-4f1d-5a2b-8c7e-6d5f4a3b2c1d',
    integrationId: 'int-goodhealth-adt',
    type: 'patient.admitted',
    timestamp: '2025-01-14T08:30:02Z',
    data: { patient: 'Patient/48213', encounter: 'Encounter/99120' },
    attempt: 3,
    firstAttemptAt: '2025-01-14T08:30:03Z',
    dueAt: '2025-01-14T08:35:09Z',
  },
  schema: WEBHOOK_DISPATCH_SCHEMA,
};
