import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { quotedTable } from '@meridian/platform';
import { Integration } from '../integrations/integration.entity';
import { Hl7Received } from './hl7-received.entity';

/** One claim: whose message (sender + MSH-10, hashed), which content, which publish. */
export interface ClaimRef {
  key: Buffer;
  fingerprint: Buffer;
  eventId: string;
}

/**
 * `claimed`: this publish holds the claim. Otherwise a claim on the same content is already there:
 * `stored` (a duplicate) or `pending` (another copy is being stored under its lease). `reused`: inside
 * the window, the same sender and control id came with other content.
 */
export type ClaimResult =
  { claimed: true; reused: boolean } | { claimed: false; state: 'pending' | 'stored'; reused: boolean };

/**
 * The dedupe key of a message: SHA-256 of sender and control id, length-delimited (JSON) so no pair
 * can collide with another by moving characters between the two. Any bytes make a key: a NUL or
 * other control character in MSH-10 cannot bypass the window (Postgres text would refuse it).
 */
export function hl7DedupeKey(sender: string, controlId: string): Buffer {
  return createHash('sha256')
    .update(JSON.stringify([sender, controlId]), 'utf8')
    .digest();
}

interface ClaimRow {
  claimed: boolean;
  reused: boolean;
  state: 'pending' | 'stored' | null;
}

/**
 * The dedupe window in Postgres. A message is claimed before it is published (so two copies arriving
 * together cannot both be published), marked stored once Kafka has it, and released if publishing
 * failed (so a resend is published, not mistaken for a duplicate). A claim is per content: a
 * different message under the same control id claims apart, and is reported as `reused`.
 */
@Injectable()
export class Hl7DedupeRepository {
  constructor(
    @InjectRepository(Hl7Received) private readonly rows: Repository<Hl7Received>,
    @InjectRepository(Integration) private readonly integrations: Repository<Integration>,
  ) {}

  private get table(): string {
    return quotedTable(this.rows.metadata);
  }

  /**
   * Takes (key, fingerprint) unless a row inside the window says it is stored, or pending with its
   * lease running. One statement: the reads see the table as it was before the insert, i.e. the
   * existing claim when there was one.
   */
  async claim(claim: ClaimRef, windowSeconds: number, leaseSeconds: number): Promise<ClaimResult> {
    const [row] = (await this.rows.query(
      `WITH taken AS (
         INSERT INTO ${this.table} AS r (key_hash, fingerprint, event_id, state, received_at, lease_until)
         VALUES ($1, $2, $3, 'pending', now(), now() + make_interval(secs => $5))
         ON CONFLICT (key_hash, fingerprint) DO UPDATE
           SET event_id = EXCLUDED.event_id, state = 'pending', received_at = now(),
               lease_until = EXCLUDED.lease_until
           WHERE r.received_at < now() - make_interval(secs => $4)
              OR (r.state = 'pending' AND r.lease_until < now())
         RETURNING 1
       )
       SELECT EXISTS (SELECT 1 FROM taken) AS claimed,
              EXISTS (SELECT 1 FROM ${this.table}
                       WHERE key_hash = $1 AND fingerprint <> $2
                         AND received_at >= now() - make_interval(secs => $4)) AS reused,
              (SELECT state FROM ${this.table} WHERE key_hash = $1 AND fingerprint = $2) AS state`,
      [claim.key, claim.fingerprint, claim.eventId, windowSeconds, leaseSeconds],
    )) as ClaimRow[];
    if (row.claimed) return { claimed: true, reused: row.reused };
    // Inserted by a concurrent claim that committed after this statement's snapshot, or deleted in
    // between (a failed publish released it): look again.
    if (row.state === null) return this.claim(claim, windowSeconds, leaseSeconds);
    return { claimed: false, state: row.state, reused: row.reused };
  }

  /**
   * Extends a pending claim's lease while its publish is still in flight, so a resend meanwhile is
   * told the message is being stored instead of taking the claim over (two sends, two copies). A
   * claim already stored or released is left as it is.
   */
  async renewLease(claim: ClaimRef, leaseSeconds: number): Promise<void> {
    await this.rows.query(
      `UPDATE ${this.table} SET lease_until = now() + make_interval(secs => $4)
        WHERE key_hash = $1 AND fingerprint = $2 AND event_id = $3 AND state = 'pending'`,
      [claim.key, claim.fingerprint, claim.eventId, leaseSeconds],
    );
  }

  async markStored(claim: ClaimRef): Promise<void> {
    await this.rows.update(
      { keyHash: claim.key, fingerprint: claim.fingerprint, eventId: claim.eventId },
      { state: 'stored' },
    );
  }

  async release(claim: ClaimRef): Promise<void> {
    await this.rows.delete({
      keyHash: claim.key,
      fingerprint: claim.fingerprint,
      eventId: claim.eventId,
      state: 'pending',
    });
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

  /**
   * The active HL7 integration registered for a sending facility, as the transformer finds it (its
   * lifecycle events need the id); undefined when there is none.
   */
  async integrationIdFor(facility: string): Promise<string | undefined> {
    const found = await this.integrations
      .createQueryBuilder('i')
      .select('i.id', 'id')
      .where('i.active AND i.facility = :facility', { facility })
      .andWhere(`i.connection ->> 'type' = 'hl7'`)
      .orderBy('i.created_at')
      .limit(1)
      .getRawOne<{ id: string }>();
    return found?.id;
  }
}
