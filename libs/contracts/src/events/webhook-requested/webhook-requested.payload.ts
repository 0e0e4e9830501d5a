import { IsNotEmpty, IsObject, IsString, Matches } from 'class-validator';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';

/** Standard Webhooks message ids: the same on every retry, so partners can dedupe on it. */
export const WEBHOOK_ID_PATTERN = /^msg_[A-Za-z0-9_-]+$/;

/**
 * A webhook the orchestrator decided to send. Everything that goes on the wire is fixed here, at event
 * time; the dispatcher only signs and delivers `{type, timestamp, data}`.
 */
export class WebhookRequestedPayload {
  @Matches(WEBHOOK_ID_PATTERN)
  webhookId!: string;

  @IsString()
  @IsNotEmpty()
  integrationId!: string;

  @IsString()
  @IsNotEmpty()
  endpointId!: string;

  /** The partner-facing event type, e.g. `patient.admitted`. */
  @IsString()
  @IsNotEmpty()
  type!: string;

  @IsRfc3339Timestamp()
  timestamp!: string;

  /** Thin payload: ids and references, no PHI, under 20 KB serialised. */
  @IsObject()
  data!: Record<string, unknown>;
}
