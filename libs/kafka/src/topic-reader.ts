import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';

export interface StoredRecord {
  partition: number;
  message: KafkaMessage;
}

export interface ReadOptions {
  partition?: number;
  /** First offset to read (per partition); default the earliest retained. */
  fromOffset?: string;
  limit?: number;
  /** Gives up (and says so) after this long; a record compacted away at the end is never reached. */
  timeoutMs?: number;
}

/**
 * Reads what a topic holds now (up to each partition's end offset at the time of the call) with a
 * throwaway consumer group that commits nothing and is deleted afterwards. For operators' tools
 * (DLQ inspection and redrive), not for services.
 */
export async function readTopic(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  options: ReadOptions = {},
): Promise<StoredRecord[]> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const ends = (await admin.fetchTopicOffsets(topic)).filter(
    (p) => options.partition === undefined || p.partition === options.partition,
  );
  const pending = new Map<number, { partition: number; start: bigint; end: bigint }>();
  for (const p of ends) {
    const low = BigInt(p.low);
    const requested = BigInt(options.fromOffset ?? p.low);
    const start = requested < low ? low : requested;
    if (start < BigInt(p.high))
      pending.set(p.partition, { partition: p.partition, start, end: BigInt(p.high) });
  }
  if (pending.size === 0 || limit <= 0) return [];

  const groupId = `meridian.reader.${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const records: StoredRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic} took longer than ${options.timeoutMs ?? 60_000} ms`)),
        options.timeoutMs ?? 60_000,
      );
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        clearTimeout(timer);
        reject(payload.error);
      });
      // A partition is read once a batch reaches its end offset. Batches report this even when
      // they hold only transaction markers, which never reach eachMessage.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const range = pending.get(payload.partition);
        if (payload.topic !== topic || !range || BigInt(payload.lastOffset) < range.end - 1n) return;
        pending.delete(payload.partition);
        if (pending.size === 0) done();
      });
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const range = pending.get(partition);
            if (!range || BigInt(message.offset) < range.start || BigInt(message.offset) >= range.end) return;
            records.push({ partition, message });
            if (records.length >= limit) done();
          },
        })
        .then(() => {
          for (const range of pending.values())
            consumer.seek({ topic, partition: range.partition, offset: range.start.toString() });
        })
        // run() can resolve before the group is joined (a coordinator still loading after a broker
        // restart): seek then throws, and the read fails rather than leaving the error unhandled.
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return records
    .sort((a, b) => a.partition - b.partition || Number(BigInt(a.message.offset) - BigInt(b.message.offset)))
    .slice(0, limit);
}
