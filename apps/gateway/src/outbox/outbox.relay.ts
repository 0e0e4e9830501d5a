import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { encodeCloudEvent, type CloudEvent } from '@meridian/contracts';
import { EventProducer, safeErrorMessage } from '@meridian/kafka';
import { quotedTable } from '@meridian/platform';
import { OutboxRecord } from './outbox-record.entity';

/** One relay publishes at a time (per database), so records of one key leave in commit order. */
const RELAY_LOCK = 0x6d65_7269; // 'meri'
const BATCH = 200;
const IDLE_POLL_MS = 1_000;
const PUBLISHED_RETENTION_DAYS = 7;

/** Writes outbox records inside the caller's transaction. */
export async function appendToOutbox(
  manager: EntityManager,
  topic: string,
  key: string,
  event: CloudEvent,
  options: { tombstone?: boolean } = {},
): Promise<void> {
  const encoded = encodeCloudEvent(event);
  await manager.insert(OutboxRecord, {
    topic,
    key,
    headers: encoded.headers,
    value: options.tombstone ? null : encoded.value,
  });
}

/**
 * Publishes committed outbox records in id order with the idempotent producer, then marks them
 * published. A crash between the two republishes the batch: consumers of the config topic keep the
 * highest version per key, so a repeat changes nothing.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private stopped = false;
  private running?: Promise<void>;
  private wake?: () => void;
  private lastPurge = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly producer: EventProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.loop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  /** Called after a transaction that wrote to the outbox commits: publish now rather than at the next poll. */
  kick(): void {
    this.wake?.();
  }

  /** Publishes what is pending; returns how many records went out (0 when another relay holds the lock). */
  async drainOnce(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = (await manager.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [
        RELAY_LOCK,
      ])) as { locked: boolean }[];
      if (!locked) return 0;
      const pending = await manager.find(OutboxRecord, {
        where: { publishedAt: IsNull() },
        order: { id: 'ASC' },
        take: BATCH,
      });
      // Consecutive records of one topic go in one send, in order.
      for (let start = 0; start < pending.length;) {
        let end = start + 1;
        while (end < pending.length && pending[end].topic === pending[start].topic) end++;
        const slice = pending.slice(start, end);
        await this.producer.sendRaw(
          slice[0].topic,
          slice.map((row) => ({ key: row.key, value: row.value, headers: row.headers })),
        );
        start = end;
      }
      if (pending.length > 0) {
        await manager.query(
          `UPDATE ${quotedTable(manager.connection.getMetadata(OutboxRecord))} SET published_at = now() WHERE id = ANY($1::bigint[])`,
          [pending.map((row) => row.id)],
        );
      }
      return pending.length;
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let published = 0;
      try {
        published = await this.drainOnce();
        await this.purgeOccasionally();
      } catch (error) {
        this.logger.warn({ msg: 'outbox relay failed; retrying', error: safeErrorMessage(error) });
      }
      if (published === 0 && !this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_POLL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  private async purgeOccasionally(): Promise<void> {
    if (Date.now() - this.lastPurge < 3_600_000) return;
    this.lastPurge = Date.now();
    await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(OutboxRecord)
      .where(`published_at < now() - make_interval(days => :days)`, { days: PUBLISHED_RETENTION_DAYS })
      .execute();
  }
}
