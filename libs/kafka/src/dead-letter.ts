import { DLQ_HEADERS, dlqTopicName, type DlqStage } from '@meridian/contracts';
import type { KafkaMessage } from 'kafkajs';
import { errorClassName, safeErrorMessage } from '@meridian/resilience';
import type { RawRecord } from './event-producer';

export interface DeadLetterContext {
  topic: string;
  partition: number;
  message: KafkaMessage;
  consumerGroup: string;
  stage: DlqStage;
  attempts: number;
  error: unknown;
  now?: Date;
}

/**
 * The DLQ record: the original key, value bytes, headers and timestamp, plus `dlq.*` headers in
 * the manner of Kafka Connect's `__connect.errors.*`. An earlier `dlq.*` set (a redriven record
 * that failed again) is replaced, so the headers always describe the latest failure.
 */
export function buildDeadLetter(context: DeadLetterContext): { topic: string; record: RawRecord } {
  const { message } = context;
  const headers = headersWithout(message, ['dlq.']);
  Object.assign(headers, {
    [DLQ_HEADERS.originalTopic]: context.topic,
    [DLQ_HEADERS.originalPartition]: String(context.partition),
    [DLQ_HEADERS.originalOffset]: message.offset,
    [DLQ_HEADERS.originalTimestamp]: message.timestamp,
    [DLQ_HEADERS.consumerGroup]: context.consumerGroup,
    [DLQ_HEADERS.stage]: context.stage,
    [DLQ_HEADERS.exceptionClass]: errorClassName(context.error),
    [DLQ_HEADERS.exceptionMessage]: safeErrorMessage(context.error),
    [DLQ_HEADERS.attempts]: String(context.attempts),
    [DLQ_HEADERS.failedAt]: (context.now ?? new Date()).toISOString(),
  });
  return {
    topic: dlqTopicName(context.topic),
    record: { key: message.key, value: message.value, headers, timestamp: message.timestamp },
  };
}

/** The record's headers, repeated ones included, less those whose names start with a prefix. */
export function headersWithout(message: KafkaMessage, prefixes: string[]): RawRecord['headers'] {
  const kept: RawRecord['headers'] = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined && !prefixes.some((prefix) => name.startsWith(prefix))) kept[name] = value;
  }
  return kept;
}
