import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { ErrorSummary } from '../error-summary';

export const LIFECYCLE_STATUSES = ['pending', 'processing', 'completed', 'failed', 'retrying'] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];

/** One step of one message's way through an integration; the gateway's event log and health are built from these. */
export class IntegrationLifecyclePayload {
  @IsString()
  @IsNotEmpty()
  integrationId!: string;

  /** The correlation id of the message this step belongs to (also `ce_correlationid`). */
  @IsString()
  @IsNotEmpty()
  correlationId!: string;

  @IsIn(LIFECYCLE_STATUSES)
  status!: LifecycleStatus;

  /** `<service>.<step>`, e.g. `transformer.hl7-to-fhir`, `ehr-adapter.deliver`. */
  @IsString()
  @IsNotEmpty()
  step!: string;

  /** 1 for the first attempt at this step. */
  @IsInt()
  @Min(1)
  attempt!: number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  durationMs?: number;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ErrorSummary)
  error?: ErrorSummary;
}
