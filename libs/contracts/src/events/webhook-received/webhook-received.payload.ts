import { IsNotEmpty, IsObject, IsString } from 'class-validator';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';

/** A partner's inbound webhook whose signature the gateway has verified (unverified ones are never published). */
export class WebhookReceivedPayload {
  /** The partner's `webhook-id`; redeliveries repeat it, so it is the dedupe key. */
  @IsString()
  @IsNotEmpty()
  webhookId!: string;

  @IsString()
  @IsNotEmpty()
  integrationId!: string;

  @IsString()
  @IsNotEmpty()
  type!: string;

  @IsRfc3339Timestamp()
  timestamp!: string;

  @IsObject()
  data!: Record<string, unknown>;
}
