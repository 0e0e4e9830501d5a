import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The dedupe window: one row per (sending facility, MSH-10) seen recently. `pending` while the
 * message is being written to Kafka, `stored` once the broker acknowledged it. Holds no PHI.
 */
@Entity({ name: 'hl7_received' })
export class Hl7Received {
  @PrimaryColumn({ name: 'sending_facility', type: 'text' })
  sendingFacility!: string;

  @PrimaryColumn({ name: 'control_id', type: 'text' })
  controlId!: string;

  /** ce_id of the record published for it. */
  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ type: 'text' })
  state!: 'pending' | 'stored';

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
