import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { quotedTable } from '@meridian/platform';
import { Hl7Received } from './hl7-received.entity';

/** A claim left `pending` this long belongs to a publish that died with its process; it can be taken over. */
const STALE_PENDING_SECONDS = 60;

export type ClaimResult =
  { claimed: true } | { claimed: false; state: 'pending' | 'stored'; eventId: string };

/**
 * The dedupe window in Postgres. A message is claimed before it is published (so two copies arriving
 * together cannot both be published), marked stored once Kafka has it, and released if publishing
 * failed (so a resend is published, not mistaken for a duplicate).
 */
@Injectable()
export class Hl7DedupeRepository {
  constructor(@InjectRepository(Hl7Received) private readonly rows: Repository<Hl7Received>) {}

  private get table(): string {
    return quotedTable(this.rows.metadata);
  }

  /** Takes (facility, controlId) unless a row inside the window says it is stored or in flight. */
  async claim(
    facility: string,
    controlId: string,
    eventId: string,
    windowSeconds: number,
  ): Promise<ClaimResult> {
    const taken: unknown[] = await this.rows.query(
      `INSERT INTO ${this.table} AS r (sending_facility, control_id, event_id, state, received_at)
       VALUES ($1, $2, $3, 'pending', now())
       ON CONFLICT (sending_facility, control_id) DO UPDATE
         SET event_id = EXCLUDED.event_id, state = 'pending', received_at = now()
         WHERE r.received_at < now() - make_interval(secs => $4)
            OR (r.state = 'pending' AND r.received_at < now() - make_interval(secs => $5))
       RETURNING event_id`,
      [facility, controlId, eventId, windowSeconds, STALE_PENDING_SECONDS],
    );
    if (taken.length > 0) return { claimed: true };
    const existing = await this.rows.findOneBy({ sendingFacility: facility, controlId });
    // Deleted between the two statements (a failed publish released it): the resend may go ahead.
    if (!existing) return this.claim(facility, controlId, eventId, windowSeconds);
    return { claimed: false, state: existing.state, eventId: existing.eventId };
  }

  async markStored(facility: string, controlId: string, eventId: string): Promise<void> {
    await this.rows.update({ sendingFacility: facility, controlId, eventId }, { state: 'stored' });
  }

  async release(facility: string, controlId: string, eventId: string): Promise<void> {
    await this.rows.delete({ sendingFacility: facility, controlId, eventId, state: 'pending' });
  }

  /** Deletes rows older than the window; returns how many. */
  async purge(windowSeconds: number): Promise<number> {
    const result = await this.rows
      .createQueryBuilder()
      .delete()
      .where(`received_at < now() - make_interval(secs => :window)`, { window: windowSeconds })
      .execute();
    return result.affected ?? 0;
  }
}
