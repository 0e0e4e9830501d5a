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
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ErrorSummary } from '../error-summary';
import { WEBHOOK_ID_PATTERN } from '../webhook-requested/webhook-data';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';

/**
 * `failed`: this attempt failed and another is scheduled (`nextAttemptAt`); `exhausted`: the schedule
 * is used up and the webhook went to the DLQ; `disabled`: the endpoint was disabled (410, or 5 days of failure).
 */
export const WEBHOOK_DELIVERY_OUTCOMES = ['delivered', 'failed', 'exhausted', 'disabled'] as const;
export type WebhookDeliveryOutcome = (typeof WEBHOOK_DELIVERY_OUTCOMES)[number];

/** How much of a response body a delivery record keeps: the first 1 KiB, decoded as text. */
export const WEBHOOK_RESPONSE_BODY_MAX_CHARS = 1024;

/** One delivery attempt of one webhook; the gateway's delivery log is built from these. */
export class WebhookDeliveryPayload {
  @Matches(WEBHOOK_ID_PATTERN)
  webhookId!: string;

  /** Absent when the event concerned no integration (a platform alert). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  integrationId?: string;

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

  /** The event type delivered, e.g. `patient.admitted`. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  type?: string;

  /**
   * The start of the endpoint's response body as text (at most 1 KiB of it), for the delivery log. The
   * partner wrote it, not us: it is shown to operators and never logged or put in a metric.
   */
  @IsOptional()
  @IsString()
  @MaxLength(WEBHOOK_RESPONSE_BODY_MAX_CHARS)
  responseBody?: string;
}
