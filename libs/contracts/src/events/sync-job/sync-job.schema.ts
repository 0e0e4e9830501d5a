import { ERROR_SUMMARY_SCHEMA } from '../error-summary';
import type { JsonSchema } from '../event-type-definition';
import { SYNC_COUNTERS_SCHEMA } from '../sync-counters';
import { SYNC_JOB_STATUSES, SYNC_JOB_TRIGGERS } from './sync-job.payload';

export const SYNC_JOB_SCHEMA: JsonSchema = {
  title: 'Sync job',
  description: 'The state of one sync job after a change; the highest sequence per jobId is current. No PHI.',
  type: 'object',
  required: ['jobId', 'integrationId', 'trigger', 'status', 'counters', 'createdAt', 'updatedAt', 'sequence'],
  properties: {
    jobId: { type: 'string', minLength: 1 },
    integrationId: { type: 'string', minLength: 1 },
    trigger: { type: 'string', enum: SYNC_JOB_TRIGGERS },
    status: { type: 'string', enum: SYNC_JOB_STATUSES },
    since: { type: 'string', format: 'date-time', description: 'Changes after this time; absent: all.' },
    watermark: {
      type: 'string',
      format: 'date-time',
      description: 'The source’s time up to which changes were read: the next job’s since.',
    },
    counters: SYNC_COUNTERS_SCHEMA,
    error: ERROR_SUMMARY_SCHEMA,
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    sequence: { type: 'integer', minimum: 1, description: 'Grows with each update of the job.' },
  },
};
