import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  Matches,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';
import { ErrorSummary } from '../error-summary';
import { SyncCounters } from '../sync-counters';

export const COMMAND_OUTCOMES = ['succeeded', 'failed'] as const;
export type CommandOutcome = (typeof COMMAND_OUTCOMES)[number];

/** A FHIR literal reference `Type/id` (no version, no base URL). */
export const RESOURCE_REFERENCE = /^[A-Z][A-Za-z]{0,63}\/[A-Za-z0-9.-]{1,64}$/;

/**
 * One resource whose version on the target system is not the one a command's `If-Match` expected:
 * someone changed it there since our last write. The orchestrator resolves it by the integration's
 * conflict strategy.
 */
export class ConflictingResource {
  /** `Type/id` on the target system. */
  @Matches(RESOURCE_REFERENCE, { message: 'reference must be Type/id' })
  reference!: string;

  /** The version the command expected (its `If-Match`), e.g. `3`. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  expectedVersion?: string;

  /** The version the target system holds now. Absent when the resource is gone. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  currentVersion?: string;

  /** The resource as the target system holds it now (PHI: this topic carries clinical data). */
  @IsOptional()
  @IsObject()
  resource?: Record<string, unknown>;
}

/** What an adapter did with one command; the orchestrator updates sync state from it. */
export class CommandResultPayload {
  /** The `ce_id` of the command (also `ce_causationid`). */
  @IsString()
  @IsNotEmpty()
  commandId!: string;

  @IsString()
  @IsNotEmpty()
  integrationId!: string;

  @IsIn(COMMAND_OUTCOMES)
  outcome!: CommandOutcome;

  /** References in the target system, e.g. `Patient/123`; ids, not content. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  references?: string[];

  /** The target system's HTTP status, when it answered over HTTP. */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(599)
  statusCode?: number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  durationMs?: number;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ErrorSummary)
  error?: ErrorSummary;

  /**
   * With a `conflict` error: the entries whose `If-Match` no longer held, with the target's current
   * version and resource. Absent when no entry of the command carried an `If-Match`.
   */
  @IsOptional()
  @IsArray()
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ConflictingResource)
  conflicts?: ConflictingResource[];

  /** Pull results: the job the pull belongs to (the pull command's `jobId`). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  jobId?: string;

  /** Pull results: what was read, published and skipped. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SyncCounters)
  counters?: SyncCounters;

  /** Pull results: the target's time up to which changes were read; the next pull's `since`. */
  @IsOptional()
  @IsRfc3339Timestamp()
  watermark?: string;
}
