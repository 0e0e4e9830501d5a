import { DLQ_HEADERS, REDRIVE_HEADERS } from '@meridian/contracts';
import type { KafkaMessage } from 'kafkajs';
import { buildDeadLetter } from './dead-letter';
import { buildRedrive, REDRIVE_GROUP_HEADER } from './dead-letter-redrive';
import { PermanentError } from '@meridian/resilience';

const original: KafkaMessage = {
  key: Buffer.from('FAC|123'),
  value: Buffer.from('MSH|^~\\&|...'),
  timestamp: '1764000000000',
  attributes: 0,
  offset: '41',
  headers: { ce_id: Buffer.from('evt-1'), 'content-type': Buffer.from('x-application/hl7-v2+er7') },
};

describe('dead letters and redrives', () => {
  const now = new Date('2026-11-24T12:00:00.000Z');
  const dead = buildDeadLetter({
    topic: 'hl7.v2.inbound.v1',
    partition: 4,
    message: original,
    consumerGroup: 'meridian.transformer',
    stage: 'handle',
    attempts: 4,
    error: new PermanentError('PID-3 is missing'),
    now,
  });

  it('keeps key, value, timestamp and headers, and says where and why it failed', () => {
    expect(dead.topic).toBe('hl7.v2.inbound.v1.dlq');
    expect(dead.record).toMatchObject({
      key: original.key,
      value: original.value,
      timestamp: original.timestamp,
    });
    expect(dead.record.headers).toMatchObject({
      ce_id: original.headers!.ce_id,
      [DLQ_HEADERS.originalTopic]: 'hl7.v2.inbound.v1',
      [DLQ_HEADERS.originalPartition]: '4',
      [DLQ_HEADERS.originalOffset]: '41',
      [DLQ_HEADERS.originalTimestamp]: '1764000000000',
      [DLQ_HEADERS.consumerGroup]: 'meridian.transformer',
      [DLQ_HEADERS.stage]: 'handle',
      [DLQ_HEADERS.exceptionClass]: 'PermanentError',
      [DLQ_HEADERS.exceptionMessage]: 'PID-3 is missing',
      [DLQ_HEADERS.attempts]: '4',
      [DLQ_HEADERS.failedAt]: '2026-11-24T12:00:00.000Z',
    });
  });

  it('redrives to the original topic and partition, for the failed group only, counting redrives', () => {
    const asRead = { ...original, headers: dead.record.headers } as KafkaMessage;
    const first = buildRedrive(asRead, now);
    expect(first).toMatchObject({ topic: 'hl7.v2.inbound.v1', group: 'meridian.transformer' });
    expect(first.record).toMatchObject({ key: original.key, value: original.value, partition: 4 });
    expect(Object.keys(first.record.headers).filter((name) => name.startsWith('dlq.'))).toEqual([]);
    expect(first.record.headers).toMatchObject({
      ce_id: original.headers!.ce_id,
      [REDRIVE_HEADERS.count]: '1',
      [REDRIVE_HEADERS.at]: '2026-11-24T12:00:00.000Z',
      [REDRIVE_GROUP_HEADER]: 'meridian.transformer',
    });

    // Failed again after the redrive: the next dead letter carries the count on.
    const again = buildDeadLetter({
      topic: 'hl7.v2.inbound.v1',
      partition: 4,
      message: { ...original, headers: first.record.headers },
      consumerGroup: 'meridian.transformer',
      stage: 'handle',
      attempts: 1,
      error: new PermanentError('still broken'),
    });
    const second = buildRedrive({ ...original, headers: again.record.headers } as KafkaMessage, now);
    expect(second.record.headers[REDRIVE_HEADERS.count]).toBe('2');
  });

  it('refuses a record that is not a dead letter', () => {
    expect(() => buildRedrive(original)).toThrow('not a dead letter');
  });
});
