import { ERROR_SUMMARY_SCHEMA } from '../error-summary';
import type { JsonSchema } from '../event-type-definition';
import { COMMAND_OUTCOMES } from './command-result.payload';

export const COMMAND_RESULT_SCHEMA: JsonSchema = {
  title: 'Command result',
  description: 'What an adapter did with one command. Ids and references only; never PHI.',
  type: 'object',
  required: ['commandId', 'integrationId', 'outcome'],
  properties: {
    commandId: { type: 'string', minLength: 1, description: 'The ce_id of the command.' },
    integrationId: { type: 'string', minLength: 1 },
    outcome: { type: 'string', enum: COMMAND_OUTCOMES },
    references: { type: 'array', items: { type: 'string' }, description: 'e.g. Patient/123' },
    statusCode: { type: 'integer', minimum: 100, maximum: 599 },
    durationMs: { type: 'number', minimum: 0 },
    error: ERROR_SUMMARY_SCHEMA,
  },
};
