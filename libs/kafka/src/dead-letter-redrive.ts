import { DLQ_HEADERS, headersToStrings, REDRIVE_HEADERS } from '@meridian/contracts';
import type { KafkaMessage } from 'kafkajs';
import { headersWithout } from './dead-letter';
import type { RawRecord } from './event-producer';

/**
 * Names the one consumer group a redriven record is for. Every group of the source topic sees the
 * record again; the others already succeeded with it and skip it, so a redrive causes no
 * duplicate side effects there.
 */
export const REDRIVE_GROUP_HEADER = 'redrive.consumer.group';

/**
 * The record a redrive sends back to the source topic: same key, same value bytes, same headers
 * (so the same `ce_id`, for consumers that dedupe), without the `dlq.*` headers, plus
 * `redrive.count`, `redrive.at` and the group it is meant for.
 */
export function buildRedrive(
  dead: KafkaMessage,
  now = new Date(),
): { topic: string; group: string; record: RawRecord } {
  const headers = headersToStrings(dead.headers);
  const topic = headers[DLQ_HEADERS.originalTopic];
  const group = headers[DLQ_HEADERS.consumerGroup];
  if (!topic || !group) {
    throw new Error(
      `not a dead letter: the ${DLQ_HEADERS.originalTopic} or ${DLQ_HEADERS.consumerGroup} header is missing`,
    );
  }
  const kept = headersWithout(dead, ['dlq.', 'redrive.']);
  const count = Number(headers[REDRIVE_HEADERS.count] ?? '0') + 1;
  kept[REDRIVE_HEADERS.count] = String(count);
  kept[REDRIVE_HEADERS.at] = now.toISOString();
  kept[REDRIVE_GROUP_HEADER] = group;
  // Back to the partition it came from: the DLQ has the source's partition count, and the
  // original producer's partitioner (murmur2, CRC32, ...) is unknown here.
  const partition = Number(headers[DLQ_HEADERS.originalPartition]);
  return {
    topic,
    group,
    record: {
      key: dead.key,
      value: dead.value,
      headers: kept,
      ...(Number.isInteger(partition) ? { partition } : {}),
    },
  };
}
