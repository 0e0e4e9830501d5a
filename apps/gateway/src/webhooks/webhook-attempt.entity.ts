import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ErrorSummary, WebhookDeliveryOutcome } from '@meridian/contracts';

/**
 * The delivery log: one row per record of webhooks.deliveries.v1 (an attempt, or the exhausted /
 * disabled verdict after one). Unique on (webhook, endpoint, attempt, outcome) so a redelivered record
 * is stored once.
 */
@Entity({ name: 'webhook_attempts' })
export class WebhookAttempt {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'endpoint_id', type: 'text' })
  endpointId!: string;

  @Column({ name: 'webhook_id', type: 'text' })
  webhookId!: string;

  @Column({ name: 'integration_id', type: 'text', nullable: true })
  integrationId!: string | null;

  @Column({ type: 'text', nullable: true })
  type!: string | null;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'text' })
  outcome!: WebhookDeliveryOutcome;

  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode!: number | null;

  @Column({ name: 'duration_ms', type: 'double precision', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  error!: ErrorSummary | null;

  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody!: string | null;

  /** ce_time of the delivery record: when the attempt was made. */
  @Column({ name: 'attempted_at', type: 'timestamptz' })
  attemptedAt!: Date;
}
