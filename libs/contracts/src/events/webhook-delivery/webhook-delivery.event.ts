import type { EventTypeDefinition } from '../event-type-definition';
import { WebhookDeliveryPayload } from './webhook-delivery.payload';
import { WEBHOOK_DELIVERY_SCHEMA } from './webhook-delivery.schema';

export const WEBHOOK_DELIVERY_V1 = 'org.meridian.webhook.delivery.v1';

export const webhookDeliveryV1: EventTypeDefinition = {
  type: WEBHOOK_DELIVERY_V1,
  contentType: 'application/json',
  payload: WebhookDeliveryPayload,
  description: 'The result of one attempt to deliver a webhook to a partner endpoint.',
  example: {
    webhookId: 'msg_2mHcT0bQk4yQx7Zr',
    integrationId: 'int-goodhealth-adt',
    endpointId: 'ep-acme-care',
    attempt: 2,
    outcome: 'failed',
    statusCode: 503,
    durationMs: 1204,
    nextAttemptAt: '2025-01-14T08:35:04Z',
    error: { class: 'HttpStatus5xx', message: 'endpoint answered 503', retryable: true },
  },
  schema: WEBHOOK_DELIVERY_SCHEMA,
};
