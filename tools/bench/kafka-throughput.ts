/**
 * Baseline benchmark: produce→consume throughput of raw kafkajs (durable producer settings) next
 * to the same traffic through libs/kafka (CloudEvents envelope, payload validation, commit after
 * processing, metrics), on one broker in one run, and the ratio. Prints figures; asserts nothing.
 *
 *   npm run bench            (starts its own broker unless KAFKA_BROKERS is set)
 *   BENCH_MESSAGES=50000 npm run bench
 */
import 'reflect-metadata';
import { createCloudEvent, type IntegrationLifecyclePayload } from '@meridian/contracts';
import {
  ConsumerRuntime,
  createKafkaClient,
  EventProducer,
  kafkaMetrics,
  waitForTopics,
  type OutgoingEvent,
} from '@meridian/kafka';
import { runLauncher, startLocalBroker } from '@meridian/testing';
import { CompressionTypes, Partitioners, type Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Registry } from 'prom-client';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const BATCH = 500;
const PARTITIONS = 3;
const VALUE_BYTES = 1024;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

interface Result {
  seconds: number;
  perSecond: number;
}

async function createTopic(kafka: Kafka, name: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: false,
    topics: [name, `${name}.dlq`].map((topic) => ({
      topic,
      numPartitions: PARTITIONS,
      replicationFactor: 1,
    })),
  });
  await waitForTopics(admin, [name, `${name}.dlq`]);
  await admin.disconnect();
}

function keyOf(i: number): string {
  return `patient-${i % 1000}`;
}

async function raw(kafka: Kafka): Promise<Result> {
  const topic = `bench.raw.${randomUUID().slice(0, 8)}`;
  await createTopic(kafka, topic);
  const value = Buffer.alloc(VALUE_BYTES, 'x');
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({ groupId: `${topic}.group` });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic, fromBeginning: true });
  let received = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  // Awaited, as ConsumerRuntime.start() is: the group join stays outside both timings.
  await consumer.run({
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (const message of batch.messages) {
        resolveOffset(message.offset);
        if (++received === MESSAGES) resolveDone();
      }
      await heartbeat();
    },
  });
  const started = process.hrtime.bigint();
  for (let sent = 0; sent < MESSAGES; sent += BATCH) {
    const messages = Array.from({ length: Math.min(BATCH, MESSAGES - sent) }, (_, i) => ({
      key: keyOf(sent + i),
      value,
    }));
    await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
  }
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
  return { seconds, perSecond: MESSAGES / seconds };
}

async function runtime(kafka: Kafka): Promise<Result> {
  const topic = `bench.runtime.${randomUUID().slice(0, 8)}`;
  await createTopic(kafka, topic);
  const registry = new Registry();
  const producer = new EventProducer(kafka, kafkaMetrics(registry));
  await producer.connect();
  // A lifecycle event whose encoded value is about 1 KiB, validated by its class on the way in.
  const step = 'x'.repeat(VALUE_BYTES - 180);
  const eventOf = (i: number): OutgoingEvent<IntegrationLifecyclePayload> => ({
    key: keyOf(i),
    event: createCloudEvent({
      source: '/meridian/bench',
      type: 'org.meridian.integration.lifecycle.v1',
      data: {
        integrationId: 'bench',
        correlationId: randomUUID(),
        status: 'completed',
        step,
        attempt: 1,
        durationMs: 1,
      },
    }),
  });
  let received = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const consumer = new ConsumerRuntime({
    kafka,
    producer,
    groupId: `${topic}.group`,
    metrics: kafkaMetrics(registry),
    partitionsConsumedConcurrently: PARTITIONS,
    handlers: new Map([
      [
        topic,
        async () => {
          if (++received === MESSAGES) resolveDone();
        },
      ],
    ]),
  });
  await consumer.start();
  const started = process.hrtime.bigint();
  for (let sent = 0; sent < MESSAGES; sent += BATCH) {
    await producer.publish(
      topic,
      Array.from({ length: Math.min(BATCH, MESSAGES - sent) }, (_, i) => eventOf(sent + i)),
    );
  }
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await consumer.stop();
  await producer.disconnect();
  return { seconds, perSecond: MESSAGES / seconds };
}

async function main(): Promise<void> {
  let brokers = process.env.KAFKA_BROKERS;
  const state = path.resolve(__dirname, '../../../.cache/kafka', `bench-${process.pid}.json`);
  if (!brokers) brokers = await startLocalBroker(['--state', state]);
  try {
    const kafka = createKafkaClient({ brokers: brokers.split(','), clientId: 'meridian-bench' });
    process.stdout.write(
      `${MESSAGES} records of ${VALUE_BYTES} B, ${PARTITIONS} partitions, idempotent producer, acks=all, batches of ${BATCH}\n`,
    );
    // Warm-up of both paths (JIT, connections, group coordinator), then alternating rounds; the
    // medians are compared, since a shared 2-core machine makes single runs noisy.
    await raw(kafka);
    await runtime(kafka);
    const raws: Result[] = [];
    const runtimes: Result[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      raws.push(await raw(kafka));
      runtimes.push(await runtime(kafka));
    }
    const median = (results: Result[]) =>
      [...results].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(results.length / 2)];
    const line = (name: string, results: Result[]) =>
      `${name.padEnd(22)} median ${median(results).perSecond.toFixed(0).padStart(6)} msg/s` +
      `  (rounds: ${results.map((r) => r.perSecond.toFixed(0)).join(', ')})\n`;
    process.stdout.write(line('raw kafkajs', raws));
    process.stdout.write(line('libs/kafka runtime', runtimes));
    process.stdout.write(
      `ratio runtime/raw: ${(median(runtimes).perSecond / median(raws).perSecond).toFixed(2)}\n`,
    );
  } finally {
    if (!process.env.KAFKA_BROKERS) await runLauncher(['stop', '--state', state]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
