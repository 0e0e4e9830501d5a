import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The dedupe window: one row per (sender + MSH-10, content) seen recently. `pending` while the message
 * is being written to Kafka (until `lease_until`), `stored` once the broker acknowledged it. Holds
 * hashes only: no PHI, and no value a sender's bytes could make unstorable.
 */
@Entity({ name: 'hl7_received' })
export class Hl7Received {
  /** SHA-256 of the sender and MSH-10 (hl7DedupeKey). */
  @PrimaryColumn({ name: 'key_hash', type: 'bytea' })
  keyHash!: Buffer;

  /** SHA-256 of the normalised message (libs/hl7 contentFingerprint). */
  @PrimaryColumn({ type: 'bytea' })
  fingerprint!: Buffer;

  /** ce_id of the record published for it. */
  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ type: 'text' })
  state!: 'pending' | 'stored';

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  /** A `pending` claim past this belongs to a publish that died with its process; it may be taken over. */
  @Column({ name: 'lease_until', type: 'timestamptz' })
  leaseUntil!: Date;
}
