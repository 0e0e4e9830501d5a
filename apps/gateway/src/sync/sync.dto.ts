import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import {
  CONFLICT_RESOLUTION_ACTIONS,
  CONFLICT_RESOLUTIONS,
  FIELD_SIDES,
  IsRfc3339Timestamp,
  MANUAL_RESOLUTION_ACTIONS,
  SYNC_CONFLICT_STATUSES,
  SYNC_JOB_STATUSES,
  SYNC_JOB_TRIGGERS,
  SyncResolution,
  type ConflictResolution,
  type ErrorSummary,
  type SyncConflictResolution,
  type SyncConflictStatus,
  type SyncCounters,
  type SyncJobStatus,
  type SyncJobTrigger,
} from '@meridian/contracts';

/** `POST /integrations/:id/sync`. */
export class RunSyncInput {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Read changes after this time instead of where the last job stopped (RFC 3339).',
  })
  @IsOptional()
  @IsRfc3339Timestamp()
  since?: string;
}

/**
 * `POST /conflicts/:id/resolve`: the contract's resolution as it is (the orchestrator validates the
 * same class), so the API cannot accept what the orchestrator would refuse.
 */
export class ResolveConflictInput extends SyncResolution {}

/** The OpenAPI description of ResolveConflictInput (its rules live in the contract class). */
export const RESOLVE_CONFLICT_SCHEMA = {
  type: 'object',
  required: ['action'],
  properties: {
    action: { type: 'string', enum: [...MANUAL_RESOLUTION_ACTIONS] },
    fields: {
      type: 'object',
      additionalProperties: { type: 'string', enum: [...FIELD_SIDES] },
      description: 'merge (required): top-level element name → the side to take it from.',
      example: { name: 'local', telecom: 'external' },
    },
    data: { type: 'object', description: 'manual (required): the resource to write to the system.' },
    note: { type: 'string', maxLength: 1000, description: 'Why; kept with the audit trail.' },
  },
};

export class AcceptedSyncJob {
  @ApiProperty({ description: 'The job’s id: GET /api/v1/sync/jobs/{jobId}.' }) jobId!: string;
}

export class AcceptedResolution {
  @ApiProperty({ description: 'The resolve-conflict command sent to the orchestrator.' }) commandId!: string;
}

class CountersView {
  @ApiProperty() fetched!: number;
  @ApiProperty() published!: number;
  @ApiProperty() skipped!: number;
}

class ErrorView {
  @ApiProperty() class!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional() retryable?: boolean;
}

export class SyncJobView {
  @ApiProperty() jobId!: string;
  @ApiProperty() integrationId!: string;
  @ApiProperty({ enum: SYNC_JOB_TRIGGERS }) trigger!: SyncJobTrigger;
  @ApiProperty({ enum: SYNC_JOB_STATUSES }) status!: SyncJobStatus;
  @ApiPropertyOptional({ format: 'date-time' }) since?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Changes were read up to here.' })
  watermark?: string;
  @ApiProperty({ type: CountersView }) counters!: SyncCounters;
  @ApiPropertyOptional({ type: ErrorView }) error?: ErrorSummary;
  @ApiPropertyOptional() requestedBy?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

class ResolutionView {
  @ApiProperty({ enum: CONFLICT_RESOLUTION_ACTIONS }) action!: string;
  @ApiProperty({ description: 'orchestrator for an automatic strategy, else the API caller.' })
  resolvedBy!: string;
  @ApiProperty({ format: 'date-time' }) resolvedAt!: string;
  @ApiPropertyOptional() note?: string;
}

export class SyncConflictView {
  @ApiProperty() conflictId!: string;
  @ApiProperty() integrationId!: string;
  @ApiProperty({ example: 'Patient' }) entityType!: string;
  @ApiProperty({ description: 'Business identifier system|value.' }) entityId!: string;
  @ApiPropertyOptional({ example: 'Patient/123' }) reference?: string;
  @ApiProperty({ enum: SYNC_CONFLICT_STATUSES }) status!: SyncConflictStatus;
  @ApiProperty({ enum: CONFLICT_RESOLUTIONS }) strategy!: ConflictResolution;
  @ApiProperty({ format: 'date-time' }) detectedAt!: string;
  @ApiPropertyOptional({ type: [String], description: 'Top-level elements that differ.' }) fields?: string[];
  @ApiPropertyOptional() expectedVersion?: string;
  @ApiPropertyOptional() currentVersion?: string;
  @ApiPropertyOptional({ type: ResolutionView }) resolution?: SyncConflictResolution;
}

/** One conflict with both versions (only while open; lists leave them out). */
export class SyncConflictDetail extends SyncConflictView {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Our version.' })
  local?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The system’s version.' })
  external?: Record<string, unknown>;
}
