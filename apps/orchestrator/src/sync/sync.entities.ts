import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ConflictResolution, ErrorSummary, FhirBundlePayload, FhirResource } from '@meridian/contracts';
import type { AutomaticAction, ManualResolution } from './conflict-resolution';
import type { TrackedEntry } from './tracked-entries';

export const SYNC_STATUSES = ['in_sync', 'out_of_sync', 'conflict', 'error'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/**
 * What we know of one entity on one integration. Rows are changed by two consumers (routing and
 * results, on different topics) that can meet, so every update says which `version` it read and
 * loses, to be re-read and re-applied, when another wrote first.
 */
@Entity({ name: 'sync_state' })
export class SyncState {
  @PrimaryColumn({ name: 'integration_id', type: 'text' })
  integrationId!: string;

  @PrimaryColumn({ name: 'entity_type', type: 'text' })
  entityType!: string;

  /** `<identifier system>|<identifier value>`. */
  @PrimaryColumn({ name: 'entity_id', type: 'text' })
  entityId!: string;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId!: string | null;

  @Column({ name: 'external_version', type: 'text', nullable: true })
  externalVersion!: string | null;

  /**
   * The version our own last successful write produced. A pulled version equal to it is our write
   * coming back (dropped); one merely seen before (from an earlier pull) is not, so a pulled change
   * whose routing failed half-way is routed again when its record is redelivered.
   */
  @Column({ name: 'written_version', type: 'text', nullable: true })
  writtenVersion!: string | null;

  /** The content we last wrote to (or read from) the target: the base of a three-way merge. */
  @Column({ type: 'jsonb', nullable: true })
  base!: FhirResource | null;

  @Column({ type: 'text' })
  status!: SyncStatus;

  /** How many source changes were sent for this entity. */
  @Column({ name: 'local_version', type: 'integer' })
  localVersion!: number;

  /** The latest command that writes this entity; only its answer may mark the entity in sync. */
  @Column({ name: 'last_command_id', type: 'uuid', nullable: true })
  lastCommandId!: string | null;

  @Column({ name: 'last_synced_at', type: 'timestamptz', nullable: true })
  lastSyncedAt!: Date | null;

  @Column({ name: 'retry_count', type: 'integer' })
  retryCount!: number;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

export const COMMAND_STATUSES = ['sent', 'succeeded', 'failed', 'held', 'superseded'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

/** A command sent to (or held back from) an adapter, kept so its answer can be read against it. */
@Entity({ name: 'sync_commands' })
export class SyncCommand {
  @PrimaryColumn({ name: 'command_id', type: 'uuid' })
  commandId!: string;

  @Column({ name: 'integration_id', type: 'text' })
  integrationId!: string;

  @Column({ name: 'record_key', type: 'text' })
  recordKey!: string;

  /** The bundle as sent (with `If-Match` rewrites). */
  @Column({ type: 'jsonb' })
  bundle!: FhirBundlePayload;

  @Column({ type: 'jsonb' })
  tracked!: TrackedEntry[];

  @Column({ type: 'text' })
  status!: CommandStatus;

  /** When the source produced the data (newest_wins). */
  @Column({ name: 'source_time', type: 'timestamptz', nullable: true })
  sourceTime!: Date | null;

  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  /** 0 for a routed command; n for the n-th automatic resolution of a conflict it ran into. */
  @Column({ type: 'integer' })
  round!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A conflict and, once settled, how: the audit trail of every resolution. */
@Entity({ name: 'sync_conflicts' })
export class SyncConflict {
  @PrimaryColumn({ name: 'conflict_id', type: 'uuid' })
  conflictId!: string;

  @Column({ name: 'integration_id', type: 'text' })
  integrationId!: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType!: string;

  @Column({ name: 'entity_id', type: 'text' })
  entityId!: string;

  /** The command that ran into it; held until the conflict is resolved when the resolution is manual. */
  @Column({ name: 'command_id', type: 'uuid' })
  commandId!: string;

  @Column({ type: 'text' })
  reference!: string;

  @Column({ type: 'text' })
  strategy!: ConflictResolution;

  @Column({ type: 'text' })
  status!: 'open' | 'resolved';

  @Column({ type: 'jsonb' })
  fields!: string[];

  @Column({ type: 'jsonb' })
  local!: FhirResource;

  @Column({ type: 'jsonb' })
  external!: FhirResource;

  @Column({ type: 'jsonb', nullable: true })
  base!: FhirResource | null;

  @Column({ name: 'expected_version', type: 'text', nullable: true })
  expectedVersion!: string | null;

  @Column({ name: 'current_version', type: 'text', nullable: true })
  currentVersion!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  resolution!: ConflictResolutionRecord | null;

  @Column({ name: 'detected_at', type: 'timestamptz' })
  detectedAt!: Date;

  /** +1 per change; the sync event's `sequence`, so a read model keeps the latest. */
  @Column({ type: 'integer' })
  sequence!: number;
}

/** How a conflict was settled: by a strategy (`resolvedBy` orchestrator) or by a person. */
export interface ConflictResolutionRecord {
  action: ManualResolution['action'] | AutomaticAction;
  resolvedBy: string;
  resolvedAt: string;
  note?: string;
  fields?: ManualResolution['fields'];
  /** The version written. */
  chosen: FhirResource;
}

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export type JobTrigger = 'on_demand' | 'scheduled' | 'polling';

export interface JobCounters {
  fetched: number;
  published: number;
  skipped: number;
}

/** One pull of changes from an integration. */
@Entity({ name: 'sync_jobs' })
export class SyncJob {
  @PrimaryColumn({ name: 'job_id', type: 'text' })
  jobId!: string;

  @Column({ name: 'integration_id', type: 'text' })
  integrationId!: string;

  @Column({ type: 'text' })
  trigger!: JobTrigger;

  @Column({ type: 'text' })
  status!: JobStatus;

  @Column({ type: 'timestamptz', nullable: true })
  since!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  watermark!: Date | null;

  @Column({ type: 'jsonb' })
  counters!: JobCounters;

  @Column({ type: 'jsonb', nullable: true })
  error!: ErrorSummary | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'integer' })
  sequence!: number;
}

/** Where the next pull of an integration starts. */
@Entity({ name: 'sync_cursors' })
export class SyncCursor {
  @PrimaryColumn({ name: 'integration_id', type: 'text' })
  integrationId!: string;

  @Column({ type: 'timestamptz' })
  watermark!: Date;
}

export const SYNC_ENTITIES = [SyncState, SyncCommand, SyncConflict, SyncJob, SyncCursor];
