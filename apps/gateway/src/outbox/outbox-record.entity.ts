import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A Kafka record written in the same transaction as the change it announces, published by the
 * OutboxRelay afterwards: a change is never committed without its event, nor announced without being
 * committed. The record is encoded when written, so what is published is exactly what was committed.
 */
@Entity({ name: 'outbox' })
export class OutboxRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ type: 'text' })
  key!: string;

  @Column({ type: 'jsonb' })
  headers!: Record<string, string>;

  /** Null publishes a tombstone (compacted topics: delete the key). */
  @Column({ type: 'bytea', nullable: true })
  value!: Buffer | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
