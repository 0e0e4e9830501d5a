import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ErrorSummary, SyncCounters, SyncJobStatus, SyncJobTrigger } from '@meridian/contracts';

/**
 * The read model of one sync job, from sync.events.v1: the event with the highest sequence wins.
 * A job started through the API is stored at sequence 0 (queued) when the command is sent, so it can
 * be read at once; the orchestrator's first event (sequence 1) replaces it.
 */
@Entity({ name: 'sync_jobs' })
export class SyncJob {
  @PrimaryColumn({ name: 'job_id', type: 'text' })
  jobId!: string;

  @Column({ name: 'integration_id', type: 'text' })
  integrationId!: string;

  @Column({ type: 'text' })
  trigger!: SyncJobTrigger;

  @Column({ type: 'text' })
  status!: SyncJobStatus;

  /** Cursors are kept exactly as the source's clock wrote them (RFC 3339 text), not re-rendered. */
  @Column({ type: 'text', nullable: true })
  since!: string | null;

  @Column({ type: 'text', nullable: true })
  watermark!: string | null;

  @Column({ type: 'jsonb' })
  counters!: SyncCounters;

  @Column({ type: 'jsonb', nullable: true })
  error!: ErrorSummary | null;

  @Column({ name: 'requested_by', type: 'text', nullable: true })
  requestedBy!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'integer' })
  sequence!: number;
}
