import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';
import { RESOURCE_REFERENCE } from '../command-result/command-result.payload';
import { FHIR_RESOURCE_TYPE } from '../ehr-pull/ehr-pull.payload';
import {
  CONFLICT_RESOLUTIONS,
  type ConflictResolution,
} from '../integration-config/integration-config.payload';
import { MANUAL_RESOLUTION_ACTIONS } from '../sync-command/sync-command.payload';

export const SYNC_CONFLICT_STATUSES = ['open', 'resolved'] as const;
export type SyncConflictStatus = (typeof SYNC_CONFLICT_STATUSES)[number];

/** A person's decisions (from the API) and the automatic strategies the orchestrator applies itself. */
export const CONFLICT_RESOLUTION_ACTIONS = [
  ...MANUAL_RESOLUTION_ACTIONS,
  'source_wins',
  'dest_wins',
  'newest_wins',
] as const;
export type ConflictResolutionAction = (typeof CONFLICT_RESOLUTION_ACTIONS)[number];

/** How a conflict was settled, by whom and when: the audit record. */
export class SyncConflictResolution {
  @IsIn(CONFLICT_RESOLUTION_ACTIONS)
  action!: ConflictResolutionAction;

  /** `orchestrator` for an automatic strategy, else the API caller. */
  @IsString()
  @IsNotEmpty()
  resolvedBy!: string;

  @IsRfc3339Timestamp()
  resolvedAt!: string;

  @IsOptional()
  @IsString()
  note?: string;
}

/**
 * A conflict between what we last wrote to an integration's system and what it holds now (someone
 * changed it there), published by the orchestrator when detected and again when resolved. `sequence`
 * grows with each update of the same conflict, so a reader keeps the highest.
 */
export class SyncConflictPayload {
  @IsString()
  @IsNotEmpty()
  conflictId!: string;

  @IsString()
  @IsNotEmpty()
  integrationId!: string;

  /** FHIR resource type, e.g. `Patient`. */
  @Matches(FHIR_RESOURCE_TYPE, { message: 'entityType must be a FHIR resource type' })
  entityType!: string;

  /** The business identifier `system|value` the sync state is kept by. */
  @IsString()
  @IsNotEmpty()
  entityId!: string;

  /** `Type/id` on the integration's system. */
  @IsOptional()
  @Matches(RESOURCE_REFERENCE, { message: 'reference must be Type/id' })
  reference?: string;

  @IsIn(SYNC_CONFLICT_STATUSES)
  status!: SyncConflictStatus;

  /** The integration's conflictResolution when the conflict was detected. */
  @IsIn(CONFLICT_RESOLUTIONS)
  strategy!: ConflictResolution;

  @IsRfc3339Timestamp()
  detectedAt!: string;

  /** Top-level elements whose values differ between the two versions (names, not values). */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  fields?: string[];

  /** Our version (what we meant to write); only while open. */
  @IsOptional()
  @IsObject()
  local?: Record<string, unknown>;

  /** The system's current version; only while open. */
  @IsOptional()
  @IsObject()
  external?: Record<string, unknown>;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  expectedVersion?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  currentVersion?: string;

  /** Required once resolved. */
  @ValidateIf((c: SyncConflictPayload) => c.status === 'resolved' || c.resolution !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => SyncConflictResolution)
  resolution?: SyncConflictResolution;

  /** 1 for the conflict's first event, one more for each later one. */
  @IsInt()
  @Min(1)
  sequence!: number;
}
