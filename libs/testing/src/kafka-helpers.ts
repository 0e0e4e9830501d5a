import { createKafkaClient, waitForTopics } from '@meridian/kafka';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';

export interface ReceivedRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** A kafkajs client on the run's broker (KAFKA_BROKERS, set by the global setup). */
export function testKafka(clientId = 'meridian-test'): Kafka {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run integration tests through jest.int.config.js');
  return createKafkaClient({ brokers: brokers.split(','), clientId });
}

/** A topic or group name no other test or run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${randomUUID().slice(0, 8)}`;
}

export async function createTopics(admin: Admin, topics: string[], partitions = 1): Promise<void> {
  await admin.createTopics({
    waitForLeaders: false,
    topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
  });
  await waitForTopics(admin, topics);
}

/**
 * Reads `topic` from the beginning in a group of its own until `count` records arrived, and fails
 * saying how many it saw if that takes longer than `timeoutMs`.
 */
export async function collectRecords(
  kafka: Kafka,
  topic: string,
  options: { count: number; timeoutMs?: number },
): Promise<ReceivedRecord[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('test-collector'), allowAutoTopicCreation: false });
  const received: ReceivedRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`expected ${options.count} records on ${topic}, got ${received.length}`)),
        options.timeoutMs ?? 30_000,
      );
      consumer
        .run({
          eachMessage: async ({ topic: from, partition, message }) => {
            received.push({ topic: from, partition, message });
            if (received.length >= options.count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

/** Committed offset of `group` on each partition of `topic` ('-1' = nothing committed). */
export async function committedOffsets(
  admin: Admin,
  group: string,
  topic: string,
): Promise<Record<number, string>> {
  const [result] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return Object.fromEntries(result.partitions.map((p) => [p.partition, p.offset]));
}

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 30_000, intervalMs = 200, what = 'condition' as string | (() => string) } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const described = typeof what === 'function' ? what() : what;
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${described}${lastError ? `: ${String(lastError)}` : ''}`,
  );
}
