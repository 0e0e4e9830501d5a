import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { IsWebhookData, WEBHOOK_ID_PATTERN } from '../webhook-requested/webhook-data';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';

/**
 * One message for one endpoint: a fanned-out `webhook.requested` event plus where its delivery stands.
 * The same record, with `attempt` and `dueAt` advanced, travels through the retry tiers.
 */
export class WebhookDispatchPayload {
  /** Derived from (eventId, endpointId): the same for every attempt and every redelivery of the event. */
  @Matches(WEBHOOK_ID_PATTERN)
  webhookId!: string;

  @IsString()
  @IsNotEmpty()
  endpointId!: string;

  /** The `eventId` of the webhook.requested event fanned out. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  eventId!: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  integrationId?: string;

  @IsString()
  @IsNotEmpty()
  type!: string;

  @IsRfc3339Timestamp()
  timestamp!: string;

  @IsWebhookData()
  data!: Record<string, unknown>;

  /** The attempt this record is for: 1 for the first. */
  @IsInt()
  @Min(1)
  attempt!: number;

  /**
   * When attempt 1 of this chain was made (carried through the retry tiers). It names the chain (a
   * resend starts a new one); the endpoint's failing-for-5-days clock does NOT read it: that is the
   * dispatcher's own `first_failure_at` per endpoint, reset by any success.
   */
  @IsOptional()
  @IsRfc3339Timestamp()
  firstAttemptAt?: string;

  /** Not before then (retry tiers); absent = now. */
  @IsOptional()
  @IsRfc3339Timestamp()
  dueAt?: string;
}
