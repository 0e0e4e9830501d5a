import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ErrorSummary } from '../error-summary';
import { WEBHOOK_ID_PATTERN } from '../webhook-requested/webhook-requested.payload';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';

/**
 * `failed`: this attempt failed and another is scheduled (`nextAttemptAt`); `exhausted`: the schedule
 * is used up and the webhook went to the DLQ; `disabled`: the endpoint was disabled (410, or 5 days of failure).
 */
export const WEBHOOK_DELIVERY_OUTCOMES = ['delivered', 'failed', 'exhausted', 'disabled'] as const;
export type WebhookDeliveryOutcome = (typeof WEBHOOK_DELIVERY_OUTCOMES)[number];

/** One delivery attempt of one webhook; the gateway's delivery log is built from these. */
export class WebhookDeliveryPayload {
  @Matches(WEBHOOK_ID_PATTERN)
  webhookId!: string;

  @IsString()
  @IsNotEmpty()
  integrationId!: string;

  @IsString()
  @IsNotEmpty()
  endpointId!: string;

  @IsInt()
  @Min(1)
  attempt!: number;

  @IsIn(WEBHOOK_DELIVERY_OUTCOMES)
  outcome!: WebhookDeliveryOutcome;

  /** Absent when no HTTP response came back (timeout, connection refused, SSRF guard). */
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
  @IsRfc3339Timestamp()
  nextAttemptAt?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ErrorSummary)
  error?: ErrorSummary;
}
