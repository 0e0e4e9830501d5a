import { Injectable } from '@nestjs/common';
import {
  createCloudEvent,
  SYNC_CONFLICT_V1,
  SYNC_JOB_V1,
  type SyncConflictPayload,
  type SyncJobPayload,
  TOPICS,
} from '@meridian/contracts';
import { uuidV5 } from '@meridian/hl7-fhir';
import { EventProducer } from '@meridian/kafka';
import type { SyncConflict, SyncJob } from './sync.entities';

export const SOURCE = '/meridian/orchestrator';

/**
 * sync.events.v1: every change of a job or a conflict, for the gateway's read models. The event id
 * follows from the row and its `sequence`, so publishing the same change twice is one event.
 */
@Injectable()
export class SyncEventsPublisher {
  constructor(private readonly producer: EventProducer) {}

  async conflicts(rows: SyncConflict[], correlationId: string): Promise<void> {
    if (rows.length === 0) return;
    await this.producer.publish(
      TOPICS.syncEvents.name,
      rows.map((row) => ({
        key: row.integrationId,
        event: createCloudEvent<SyncConflictPayload>({
          id: uuidV5(`sync-conflict\u001f${row.conflictId}\u001f${row.sequence}`),
          source: SOURCE,
          type: SYNC_CONFLICT_V1,
          integrationid: row.integrationId,
          correlationid: correlationId,
          data: conflictPayload(row),
        }),
      })),
    );
  }

  async job(row: SyncJob, correlationId = row.jobId): Promise<void> {
    await this.producer.publish(TOPICS.syncEvents.name, [
      {
        key: row.integrationId,
        event: createCloudEvent<SyncJobPayload>({
          id: uuidV5(`sync-job\u001f${row.jobId}\u001f${row.sequence}`),
          source: SOURCE,
          type: SYNC_JOB_V1,
          integrationid: row.integrationId,
          correlationid: correlationId,
          data: {
            jobId: row.jobId,
            integrationId: row.integrationId,
            trigger: row.trigger,
            status: row.status,
            ...(row.since ? { since: row.since.toISOString() } : {}),
            ...(row.watermark ? { watermark: row.watermark.toISOString() } : {}),
            counters: row.counters,
            ...(row.error ? { error: row.error } : {}),
            createdAt: row.createdAt.toISOString(),
            updatedAt: row.updatedAt.toISOString(),
            sequence: row.sequence,
          },
        }),
      },
    ]);
  }
}

/** Both versions travel only while the conflict is open: a person needs them to decide. */
function conflictPayload(row: SyncConflict): SyncConflictPayload {
  const open = row.status === 'open';
  return {
    conflictId: row.conflictId,
    integrationId: row.integrationId,
    entityType: row.entityType,
    entityId: row.entityId,
    reference: row.reference,
    status: row.status,
    strategy: row.strategy,
    detectedAt: row.detectedAt.toISOString(),
    fields: row.fields,
    ...(open ? { local: row.local, external: row.external } : {}),
    ...(row.expectedVersion === null ? {} : { expectedVersion: row.expectedVersion }),
    ...(row.currentVersion === null ? {} : { currentVersion: row.currentVersion }),
    ...(row.resolution
      ? {
          resolution: {
            action: row.resolution.action,
            resolvedBy: row.resolution.resolvedBy,
            resolvedAt: row.resolution.resolvedAt,
            ...(row.resolution.note === undefined ? {} : { note: row.resolution.note }),
          },
        }
      : {}),
    sequence: row.sequence,
  };
}
