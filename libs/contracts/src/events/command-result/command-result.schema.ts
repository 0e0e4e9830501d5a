import { ERROR_SUMMARY_SCHEMA } from '../error-summary';
import type { JsonSchema } from '../event-type-definition';
import { SYNC_COUNTERS_SCHEMA } from '../sync-counters';
import { COMMAND_OUTCOMES, RESOURCE_REFERENCE } from './command-result.payload';

export const COMMAND_RESULT_SCHEMA: JsonSchema = {
  title: 'Command result',
  description:
    'What an adapter did with one command: ids and references, and for a conflict the target’s current ' +
    'version of each conflicting resource (clinical data, like the commands themselves).',
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
    conflicts: {
      type: 'array',
      description:
        'With error.class conflict: the entries whose If-Match no longer held. Absent when no entry had one.',
      items: {
        type: 'object',
        required: ['reference'],
        properties: {
          reference: { type: 'string', pattern: RESOURCE_REFERENCE.source, description: 'Type/id' },
          expectedVersion: { type: 'string', minLength: 1, description: 'The version If-Match expected.' },
          currentVersion: { type: 'string', minLength: 1, description: 'The target’s version now.' },
          resource: { type: 'object', description: 'The resource as the target holds it now.' },
        },
      },
    },
    jobId: { type: 'string', minLength: 1, description: 'Pull results: the pull command’s jobId.' },
    counters: SYNC_COUNTERS_SCHEMA,
    watermark: {
      type: 'string',
      format: 'date-time',
      description: 'Pull results: the target’s time up to which changes were read; the next since.',
    },
  },
};
