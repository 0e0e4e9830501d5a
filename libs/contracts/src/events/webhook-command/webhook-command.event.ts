import type { EventTypeDefinition } from '../event-type-definition';
import { WebhookCommandPayload } from './webhook-command.payload';
import { WEBHOOK_COMMAND_SCHEMA } from './webhook-command.schema';

export const WEBHOOK_COMMAND_V1 = 'org.meridian.webhook.command.v1';

export const webhookCommandV1: EventTypeDefinition = {
  type: WEBHOOK_COMMAND_V1,
  contentType: 'application/json',
  payload: WebhookCommandPayload,
  description:
    'An operator’s request to the webhook dispatcher: re-send one message, or recover an endpoint.',
  example: {
    commandId: '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b',
    command: 'recover',
    endpointId: '2f6d8a1e-3b4c-4d5e-8f9a-0b1c2d3e4f5a',
    since: '2025-01-14T00:00:00Z',
    requestedAt: '2025-01-15T10:00:00Z',
  },
  schema: WEBHOOK_COMMAND_SCHEMA,
};
