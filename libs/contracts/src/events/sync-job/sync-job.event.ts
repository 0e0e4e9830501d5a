import type { EventTypeDefinition } from '../event-type-definition';
import { SyncJobPayload } from './sync-job.payload';
import { SYNC_JOB_SCHEMA } from './sync-job.schema';

export const SYNC_JOB_V1 = 'org.meridian.sync.job.v1';

export const syncJobV1: EventTypeDefinition = {
  type: SYNC_JOB_V1,
  contentType: 'application/json',
  payload: SyncJobPayload,
  description:
    'The state of a sync job (queued, running, completed, failed) with its counters, published by the ' +
    'orchestrator on each change; the gateway keeps the highest sequence per job for the management API.',
  example: {
    jobId: 'c2d4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f',
    integrationId: 'int-goodhealth-ehr',
    trigger: 'on_demand',
    status: 'completed',
    since: '2025-01-14T08:00:00.000Z',
    watermark: '2025-01-14T08:30:00.412Z',
    counters: { fetched: 12, published: 11, skipped: 1 },
    createdAt: '2025-01-14T08:30:00.000Z',
    updatedAt: '2025-01-14T08:30:02.250Z',
    sequence: 3,
  },
  schema: SYNC_JOB_SCHEMA,
};
