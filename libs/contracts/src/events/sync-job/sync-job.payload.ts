import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';
import { ErrorSummary } from '../error-summary';
import { SyncCounters } from '../sync-counters';

export const SYNC_JOB_TRIGGERS = ['on_demand', 'scheduled', 'polling'] as const;
export type SyncJobTrigger = (typeof SYNC_JOB_TRIGGERS)[number];
export const SYNC_JOB_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type SyncJobStatus = (typeof SYNC_JOB_STATUSES)[number];

/**
 * The state of one sync job (a pull of an integration's changes), published by the orchestrator on
 * every change. `sequence` grows with each update of the same job, so a reader keeps the highest.
 */
export class SyncJobPayload {
  @IsString()
  @IsNotEmpty()
  jobId!: string;

  @IsString()
  @IsNotEmpty()
  integrationId!: string;

  @IsIn(SYNC_JOB_TRIGGERS)
  trigger!: SyncJobTrigger;

  @IsIn(SYNC_JOB_STATUSES)
  status!: SyncJobStatus;

  /** Changes read after this time; absent for a first, full pull. */
  @IsOptional()
  @IsRfc3339Timestamp()
  since?: string;

  /** Once done: the source's time up to which changes were read (the next job's since). */
  @IsOptional()
  @IsRfc3339Timestamp()
  watermark?: string;

  @IsObject()
  @ValidateNested()
  @Type(() => SyncCounters)
  counters!: SyncCounters;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ErrorSummary)
  error?: ErrorSummary;

  @IsRfc3339Timestamp()
  createdAt!: string;

  @IsRfc3339Timestamp()
  updatedAt!: string;

  /** 1 for the job's first event, one more for each later one. */
  @IsInt()
  @Min(1)
  sequence!: number;
}
