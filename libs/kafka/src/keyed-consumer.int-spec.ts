import {
  allTopicDefinitions,
  createCloudEvent,
  DLQ_HEADERS,
  dlqTopicName,
  encodeCloudEvent,
  retryTopicName,
  TOPICS,
} from '@meridian/contracts';
import { committedOffsets, createTopics, eventually, testKafka, uniqueName } from '@meridian/testing';
import type { Admin, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import type { EventContext, EventHandler } from './consumer-runtime';
import { EventProducer } from './event-producer';
import { kafkaMetrics } from './kafka-metrics';
import { DUE_AT_HEADER, KeyedConsumer } from './keyed-consumer';
import { provisionTopics } from './topic-provisioner';

describe('KeyedConsumer (real broker)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: EventProducer;
  const consumers: KeyedConsumer[] = [];

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    producer = new EventProducer(kafka);
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
  });

  function start(topic: string, handler: EventHandler, groupId = uniqueName('test-keyed')): KeyedConsumer {
    const consumer = new KeyedConsumer({
      kafka,
      producer,
      groupId,
      handlers: new Map([[topic, handler]]),
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      maxWaitTimeMs: 200,
      metrics: kafkaMetrics(new Registry()),
    });
    consumers.push(consumer);
    return consumer;
  }

  async function send(
    topic: string,
    records: { key: string; n: number; partition?: number; dueAt?: Date }[],
  ): Promise<void> {
    await producer.sendRaw(
      topic,
      records.map(({ key, n, partition, dueAt }) => {
        const encoded = encodeCloudEvent(
          createCloudEvent({ source: '/meridian/test', type: 'org.meridian.test.v1', data: { n } }),
        );
        return {
          key,
          partition,
          value: encoded.value,
          headers: dueAt ? { ...encoded.headers, [DUE_AT_HEADER]: dueAt.toISOString() } : encoded.headers,
        };
      }),
    );
  }

  const numberOf = (data: unknown): number => (data as { n: number }).n;

  it('runs keys of one partition side by side, each key in order, and commits only what finished', async () => {
    const topic = uniqueName('test.keyed');
    const groupId = uniqueName('test-keyed');
    await createTopics(admin, [topic, `${topic}.dlq`]);
    const handled: { key: string | null; n: number }[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const handler: EventHandler = async (event, context: EventContext) => {
      const n = numberOf(event.data);
      if (context.key === 'slow' && n === 1) await released;
      handled.push({ key: context.key, n });
    };
    await send(topic, [
      { key: 'slow', n: 1 },
      { key: 'fast', n: 2 },
      { key: 'slow', n: 3 },
      { key: 'fast', n: 4 },
    ]);
    start(topic, handler, groupId);
    await consumers[0].start();

    // Both of the fast key's records are done while the slow key's first one is still in hand,
    // and the slow key's second record waits behind its first.
    await eventually(() => (handled.length === 2 ? true : undefined), { what: 'the fast key handled' });
    expect(handled).toEqual([
      { key: 'fast', n: 2 },
      { key: 'fast', n: 4 },
    ]);
    expect(consumers[0].inFlight).toBe(2);
    // Nothing past the unfinished record (offset 0) is committed: no offset yet (-1), or 0 itself.
    expect(['-1', '0']).toContain((await committedOffsets(admin, groupId, topic))[0]);

    release();
    await eventually(() => (handled.length === 4 ? true : undefined), { what: 'every record handled' });
    expect(handled.filter((h) => h.key === 'slow').map((h) => h.n)).toEqual([1, 3]);
    await eventually(
      async () => ((await committedOffsets(admin, groupId, topic))[0] === '4' ? true : undefined),
      {
        what: 'offset 4 committed',
      },
    );
  });

  it('holds a partition until its head record is due while other partitions flow', async () => {
    const topic = uniqueName('test.keyed-due');
    await createTopics(admin, [topic, `${topic}.dlq`], 2);
    const handled: { n: number; at: number }[] = [];
    const consumer = start(topic, async (event) => {
      handled.push({ n: numberOf(event.data), at: Date.now() });
    });
    await consumer.start();
    const dueAt = new Date(Date.now() + 3_000);
    await send(topic, [
      { key: 'a', n: 1, partition: 0, dueAt },
      { key: 'b', n: 2, partition: 0 },
      { key: 'c', n: 3, partition: 1 },
    ]);

    await eventually(() => (handled.length === 3 ? true : undefined), { what: 'all three handled' });
    // Partition 1 did not wait for partition 0's record; partition 0 kept its order.
    expect(handled.map((h) => h.n)).toEqual([3, 1, 2]);
    // The held record ran no earlier than it was due.
    expect(handled[1].at).toBeGreaterThanOrEqual(dueAt.getTime());
  });

  it("sends a retry tier's dead letters to its source topic's DLQ (a tier has none of its own)", async () => {
    const tier = retryTopicName(TOPICS.webhookDispatch.name, '5s');
    const dlq = dlqTopicName(TOPICS.webhookDispatch.name);
    await provisionTopics(admin, allTopicDefinitions());
    const consumer = new KeyedConsumer({
      kafka,
      producer,
      groupId: uniqueName('test-keyed-tier'),
      handlers: new Map([[tier, async () => undefined]]),
      sessionTimeoutMs: 6_000,
      maxWaitTimeMs: 200,
      fromBeginning: false,
    });
    consumers.push(consumer);
    await consumer.start();
    const key = uniqueName('not-a-cloud-event');
    const seen: string[] = [];
    const watcher = kafka.consumer({ groupId: uniqueName('test-keyed-dlq') });
    await watcher.connect();
    await watcher.subscribe({ topic: dlq, fromBeginning: true });
    await watcher.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() === key)
          seen.push(message.headers?.[DLQ_HEADERS.originalTopic]?.toString() ?? '');
      },
    });
    try {
      // Sent until the consumer, which reads only what arrives after it joined, has taken one.
      await eventually(
        async () => {
          await producer.sendRaw(tier, [{ key, value: Buffer.from('not json'), headers: {} }]);
          return seen.length > 0 ? true : undefined;
        },
        { intervalMs: 1_000, what: 'the dead letter on the source DLQ' },
      );
      expect(seen[0]).toBe(tier);
    } finally {
      await watcher.disconnect();
    }
  });
});
