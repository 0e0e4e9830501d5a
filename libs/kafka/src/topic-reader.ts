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
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const range = pending.get(partition);
            if (!range || BigInt(message.offset) < range.start) return;
            if (records.length < limit) records.push({ partition, message });
            if (BigInt(message.offset) >= range.end - 1n) pending.delete(partition);
            if (pending.size === 0 || records.length >= limit) resolve();
          },
        })
        .then(() => {
          for (const range of pending.values())
            consumer.seek({ topic, partition: range.partition, offset: range.start.toString() });
        }, reject);
    });
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return records.sort(
    (a, b) => a.partition - b.partition || Number(BigInt(a.message.offset) - BigInt(b.message.offset)),
  );
}
