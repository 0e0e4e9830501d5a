import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { WebhookDisabledReason } from '@meridian/contracts';

/** One signing secret of an endpoint, sealed (AAD `webhook-endpoint:<id>`); newest first in the row. */
export interface StoredWebhookSecret {
  secretId: string;
  sealed: string;
  createdAt: string;
  /** The previous secret of a rotation: signed with until then, then dropped. */
  expiresAt?: string;
}

/** A partner's webhook endpoint. Announced on webhook.endpoints.v1 on every change, through the outbox. */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpoint {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  url!: string;

  @Column({ name: 'event_types', type: 'jsonb' })
  eventTypes!: string[];

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason!: WebhookDisabledReason | null;

  @Column({ name: 'rate_limit_per_second', type: 'integer', nullable: true })
  rateLimitPerSecond!: number | null;

  /** Never returned by the API: only secret ids and dates are. */
  @Column({ type: 'jsonb' })
  secrets!: StoredWebhookSecret[];

  /** 1 at creation, +1 per change: the endpoint event's version and the API's ETag. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
