import type { JsonSchema } from '../event-type-definition';
import { WEBHOOK_COMMANDS } from './webhook-command.payload';

export const WEBHOOK_COMMAND_SCHEMA: JsonSchema = {
  title: 'Webhook operator command',
  description:
    'resend: deliver one message (webhookId) to the endpoint again; recover: re-send every message to ' +
    'the endpoint that failed since a time.',
  type: 'object',
  required: ['commandId', 'command', 'endpointId', 'requestedAt'],
  properties: {
    commandId: { type: 'string', format: 'uuid' },
    command: { type: 'string', enum: WEBHOOK_COMMANDS },
    endpointId: { type: 'string', minLength: 1 },
    webhookId: {
      type: 'string',
      pattern: '^msg_[A-Za-z0-9_-]+$',
      description: 'Required for resend: the message to deliver again.',
    },
    since: {
      type: 'string',
      format: 'date-time',
      description: 'Required for recover: re-send what failed from then on.',
    },
    requestedAt: { type: 'string', format: 'date-time' },
  },
};
