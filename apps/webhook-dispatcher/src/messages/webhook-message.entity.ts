import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `pending`: an attempt is due; `retrying`: an attempt failed and the next is scheduled;
 * `delivered`; `exhausted`: the schedule ran out (the record is in the DLQ); `failed`: given up
 * without exhausting the schedule (the endpoint was disabled, deleted or inactive).
 * `recover` re-sends the `failed` and `exhausted` ones.
 */
export const MESSAGE_STATUSES = ['pending', 'retrying', 'delivered', 'exhausted', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * One message (an event fanned out to one endpoint), kept so it can be re-sent or recovered. `body`
 * is `{type, timestamp, data}` exactly as signed and sent; `data` is thin by contract (ids and
 * references, no PHI).
 */
@Entity({ name: 'webhook_message' })
export class WebhookMessage {
  @PrimaryColumn({ name: 'webhook_id', type: 'text' })
  webhookId!: string;

  @Column({ name: 'endpoint_id', type: 'text' })
  endpointId!: string;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'integration_id', type: 'text', nullable: true })
  integrationId!: string | null;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'text' })
  status!: MessageStatus;

  /** The last attempt made (0 before the first). */
  @Column({ type: 'int' })
  attempts!: number;

  @Column({ name: 'last_status_code', type: 'int', nullable: true })
  lastStatusCode!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
