import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';
import { IsWebhookData } from './webhook-data';

/**
 * An event to announce to partners, not yet addressed to an endpoint: the dispatcher fans it out to every
 * active endpoint subscribed to `type` and derives each endpoint's `webhook-id` from (eventId, endpointId),
 * so a redelivered event is the same message to the partner. What goes on the wire, `{type, timestamp,
 * data}`, is fixed here at event time.
 */
export class WebhookRequestedPayload {
  /** Unique per event and stable when the same input is processed again (a UUID, e.g. v5 of the cause). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  eventId!: string;

  /** The integration the event concerns; absent for platform events (an alert about no integration). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  integrationId?: string;

  /** The partner-facing event type, e.g. `patient.admitted`; endpoints subscribe to these. */
  @IsString()
  @IsNotEmpty()
  type!: string;

  @IsRfc3339Timestamp()
  timestamp!: string;

  /** Thin payload: ids and references, no PHI, under 20 KB serialised. */
  @IsWebhookData()
  data!: Record<string, unknown>;
}
