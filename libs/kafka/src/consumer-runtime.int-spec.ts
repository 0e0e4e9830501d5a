import { createCloudEvent, DLQ_HEADERS, dlqTopicName, encodeCloudEvent } from '@meridian/contracts';
import {
  collectRecords,
  committedOffsets,
  createTopics,
  eventually,
  testKafka,
  uniqueName,
} from '@meridian/testing';
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { ConsumerRuntime, type EventContext, type EventHandler } from './consumer-runtime';
import { PermanentError, RetryLaterError, TransientError } from '@meridian/resilience';
import { createKafkaClient } from './kafka-client';
import { EventProducer } from './event-producer';
import { kafkaMetrics } from './kafka-metrics';

function numberFromEnv(name: string): number | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : Number(value);
}

const FAST_RETRY = {
  maxAttempts: 4,
  backoff: 'exponential' as const,
  baseDelayMs: 20,
  multiplier: 2,
  maxDelayMs: 100,
};

describe('ConsumerRuntime (real broker)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: EventProducer;
  const runtimes: ConsumerRuntime[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    producer = new EventProducer(kafka);
    await producer.connect();
  });

  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(runtimes.splice(0).map((runtime) => runtime.stop()));
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
  });

  async function topicWithDlq(): Promise<string> {
    const topic = uniqueName('test.runtime');
    await createTopics(admin, [topic, dlqTopicName(topic)]);
    return topic;
  }

  function start(topic: string, handler: EventHandler, groupId = uniqueName('test-group')): ConsumerRuntime {
    const runtime = new ConsumerRuntime({
      kafka,
      producer,
      groupId,
      handlers: new Map([[topic, handler]]),
      retry: FAST_RETRY,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      maxWaitTimeMs: 500,
      metrics: kafkaMetrics(new Registry()),
    });
    runtimes.push(runtime);
    return runtime;
  }

  function event(n: number) {
    return createCloudEvent({ source: '/meridian/test', type: 'org.meridian.test.v1', data: { n } });
  }

  async function endOffset(topic: string): Promise<number> {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  }

  interface FinishedRecord {
    partition: number;
    offset: string;
    n?: number;
    at: number;
  }

  interface ForkedConsumer {
    process: ChildProcess;
    /** Records the child finished, as it reported them. */
    finished: FinishedRecord[];
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  }

  /** The crash fixture (a ConsumerRuntime in a child process, to SIGKILL) in `groupId`. */
  function forkCrashConsumer(topic: string, groupId: string, env: Record<string, string>): ForkedConsumer {
    const child = fork(path.join(__dirname, '../test-fixtures/crash-consumer.ts'), {
      execArgv: ['-r', '@swc-node/register'],
      env: {
        ...process.env,
        ...env,
        TOPIC: topic,
        GROUP: groupId,
        SWC_NODE_PROJECT: path.resolve(__dirname, '../../../tsconfig.json'),
      },
    });
    children.push(child);
    const finished: FinishedRecord[] = [];
    child.on('message', (message: Omit<FinishedRecord, 'at'>) => {
      if (message.offset !== undefined) finished.push({ ...message, at: Date.now() });
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    return { process: child, finished, exited };
  }

  it('sends a permanently failing record to the DLQ once, with its original bytes and every header', async () => {
    const topic = await topicWithDlq();
    const original = encodeCloudEvent(event(1));
    const headers = { ...original.headers, 'x-custom': 'kept' };
    await producer.sendRaw(topic, [{ key: 'patient-1', value: original.value, headers }]);
    const runtime = start(topic, async () => {
      throw new PermanentError('PID-3 is missing');
    });
    await runtime.start();

    const [dead] = await collectRecords(kafka, dlqTopicName(topic), { count: 1 });
    expect(dead.message.key?.toString()).toBe('patient-1');
    expect(dead.message.value?.equals(original.value)).toBe(true);
    const got = Object.fromEntries(
      Object.entries(dead.message.headers ?? {}).map(([k, v]) => [k, String(v)]),
    );
    expect(got).toMatchObject(headers);
    expect(got).toMatchObject({
      [DLQ_HEADERS.originalTopic]: topic,
      [DLQ_HEADERS.originalPartition]: '0',
      [DLQ_HEADERS.originalOffset]: '0',
      [DLQ_HEADERS.consumerGroup]: runtime.groupId,
      [DLQ_HEADERS.stage]: 'handle',
      [DLQ_HEADERS.exceptionClass]: 'PermanentError',
      [DLQ_HEADERS.exceptionMessage]: 'PID-3 is missing',
      [DLQ_HEADERS.attempts]: '1',
    });
    expect(got[DLQ_HEADERS.originalTimestamp]).toMatch(/^\d+$/);
    expect(new Date(got[DLQ_HEADERS.failedAt]).getTime()).not.toBeNaN();

    await eventually(
      async () => ((await committedOffsets(admin, runtime.groupId, topic))[0] === '1' ? true : undefined),
      {
        what: 'the source offset to be committed',
      },
    );
    expect(await endOffset(dlqTopicName(topic))).toBe(1);
  });

  it('retries a transient failure and succeeds without a DLQ record', async () => {
    const topic = await topicWithDlq();
    await producer.publish(topic, [{ key: 'k', event: event(1) }]);
    const attempts: number[] = [];
    const runtime = start(topic, async (_event, context: EventContext) => {
      attempts.push(context.attempt);
      if (context.attempt < 3) throw new TransientError('FHIR server answered 503');
    });
    await runtime.start();

    await eventually(
      async () => ((await committedOffsets(admin, runtime.groupId, topic))[0] === '1' ? true : undefined),
      {
        what: 'the offset to be committed after the retries',
      },
    );
    expect(attempts).toEqual([1, 2, 3]);
    expect(await endOffset(dlqTopicName(topic))).toBe(0);
  });

  it('holds the partition while the target asks to wait, past any attempt limit, then processes in order', async () => {
    const topic = await topicWithDlq();
    await producer.publish(
      topic,
      [1, 2, 3].map((n) => ({ key: 'k', event: event(n) })),
    );
    const seen: number[] = [];
    let refusals = 0;
    const runtime = start(topic, async (received) => {
      const { n } = received.data as { n: number };
      // More refusals than FAST_RETRY allows attempts: an open breaker must not exhaust a record.
      if (n === 2 && refusals < FAST_RETRY.maxAttempts + 1) {
        refusals++;
        throw new RetryLaterError('circuit breaker open', 100);
      }
      seen.push(n);
    });
    await runtime.start();

    await eventually(
      async () => ((await committedOffsets(admin, runtime.groupId, topic))[0] === '3' ? true : undefined),
      { what: 'all three records committed after the holds' },
    );
    expect(refusals).toBe(FAST_RETRY.maxAttempts + 1);
    expect(seen).toEqual([1, 2, 3]);
    expect(await endOffset(dlqTopicName(topic))).toBe(0);
  });

  it('dead-letters exhausted retries with the attempt count', async () => {
    const topic = await topicWithDlq();
    await producer.publish(topic, [{ key: 'k', event: event(1) }]);
    const runtime = start(topic, async () => {
      throw new TransientError('still down');
    });
    await runtime.start();
    const [dead] = await collectRecords(kafka, dlqTopicName(topic), { count: 1 });
    expect(String(dead.message.headers?.[DLQ_HEADERS.attempts])).toBe(String(FAST_RETRY.maxAttempts));
  });

  it('sends a record that is not a CloudEvent to the DLQ at stage deserialize and carries on', async () => {
    const topic = await topicWithDlq();
    await producer.sendRaw(topic, [
      { key: 'k', value: Buffer.from('MSH|^~\\&|not an envelope'), headers: {} },
    ]);
    await producer.publish(topic, [{ key: 'k', event: event(2) }]);
    const handled: unknown[] = [];
    const runtime = start(topic, async (received) => void handled.push(received.data));
    await runtime.start();

    const [dead] = await collectRecords(kafka, dlqTopicName(topic), { count: 1 });
    expect(String(dead.message.headers?.[DLQ_HEADERS.stage])).toBe('deserialize');
    expect(dead.message.value?.toString()).toBe('MSH|^~\\&|not an envelope');
    await eventually(() => (handled.length === 1 ? true : undefined), {
      what: 'the valid record to be handled',
    });
    expect(handled).toEqual([{ n: 2 }]);
  });

  it('commits what it finished on a graceful stop, and the next member resumes after it', async () => {
    const topic = await topicWithDlq();
    await producer.publish(
      topic,
      [1, 2, 3, 4, 5].map((n) => ({ key: 'k', event: event(n) })),
    );
    const groupId = uniqueName('test-group');
    const first: number[] = [];
    let stopping: Promise<void> | undefined;
    const runtime = start(
      topic,
      async (received) => {
        first.push((received.data as { n: number }).n);
        if (first.length === 2) {
          // SIGTERM arrives while record 2 is in hand: it is finished and committed, 3-5 are left.
          stopping = runtime.stop();
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      },
      groupId,
    );
    await runtime.start();
    await eventually(() => (stopping ? true : undefined), { what: 'the stop to begin' });
    await stopping;
    expect(first).toEqual([1, 2]);
    expect((await committedOffsets(admin, groupId, topic))[0]).toBe('2');

    const second: number[] = [];
    await start(
      topic,
      async (received) => void second.push((received.data as { n: number }).n),
      groupId,
    ).start();
    await eventually(() => (second.length === 3 ? true : undefined), { what: 'the rest to be consumed' });
    expect(second).toEqual([3, 4, 5]);
  });

  it('keeps the offset until the DLQ write is acknowledged, without running the handler again', async () => {
    const topic = uniqueName('test.runtime.nodlq');
    await createTopics(admin, [topic]);
    await producer.publish(topic, [{ key: 'k', event: event(1) }]);
    // Few retries, so the missing DLQ topic fails writes quickly.
    const impatient = createKafkaClient({
      brokers: process.env.KAFKA_BROKERS!.split(','),
      clientId: 'impatient',
      retries: 1,
    });
    const registry = new Registry();
    const dlqProducer = new EventProducer(impatient, kafkaMetrics(registry));
    await dlqProducer.connect();
    let calls = 0;
    const groupId = uniqueName('test-group');
    const runtime = new ConsumerRuntime({
      kafka: impatient,
      producer: dlqProducer,
      groupId,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      handlers: new Map([
        [
          topic,
          async () => {
            calls++;
            throw new PermanentError('always');
          },
        ],
      ]),
    });
    runtimes.push(runtime);
    await runtime.start();

    const failedWrites = async () =>
      (await registry.getSingleMetric('meridian_messages_produced_total')!.get()).values.find(
        (v) => v.labels.topic === dlqTopicName(topic) && v.labels.outcome === 'failure',
      )?.value ?? 0;
    await eventually(async () => ((await failedWrites()) >= 2 ? true : undefined), {
      what: 'two failed DLQ writes',
    });
    expect((await committedOffsets(admin, groupId, topic))[0]).toBe('-1');
    expect(calls).toBe(1);

    await createTopics(admin, [dlqTopicName(topic)]);
    await eventually(
      async () => ((await committedOffsets(admin, groupId, topic))[0] === '1' ? true : undefined),
      {
        timeoutMs: 60_000,
        what: 'the commit after the DLQ write succeeded',
      },
    );
    expect(await endOffset(dlqTopicName(topic))).toBe(1);
    expect(calls).toBe(1);
    await runtime.stop();
    runtimes.splice(runtimes.indexOf(runtime), 1);
    await dlqProducer.disconnect();
  });

  it('keeps its membership through a handler call longer than the session, and through a rebalance meanwhile', async () => {
    const topic = await topicWithDlq();
    const groupId = uniqueName('test-group');
    await producer.publish(topic, [
      { key: 'k', event: event(0) },
      { key: 'k', event: event(1) },
    ]);
    const calls: number[] = [];
    let slowStarted = false;
    // One await of 9 s without calling context.heartbeat() (a slow FHIR call), with a 6 s session.
    const runtime = start(
      topic,
      async (received) => {
        const { n } = received.data as { n: number };
        calls.push(n);
        if (n === 0) {
          slowStarted = true;
          await new Promise((resolve) => setTimeout(resolve, 9_000));
        }
      },
      groupId,
    );
    await runtime.start();
    await eventually(() => (slowStarted ? true : undefined), { what: 'the slow call to begin' });
    // A second member asks in while the call is in hand: the group waits for the first to rejoin.
    const second = start(
      topic,
      async (received) => void calls.push((received.data as { n: number }).n),
      groupId,
    );
    await second.start();

    await eventually(
      async () => ((await committedOffsets(admin, groupId, topic))[0] === '2' ? true : undefined),
      { what: 'both records committed' },
    );
    await eventually(() => (runtime.joined && second.joined ? true : undefined), {
      what: 'both members in the group',
    });
    // Not evicted mid-call: no other member took the record over and ran it again.
    expect(calls).toEqual([0, 1]);
  });

  it('loses nothing when a consumer is killed before committing', async () => {
    const topic = await topicWithDlq();
    const groupId = uniqueName('test-group');
    await producer.publish(
      topic,
      Array.from({ length: 20 }, (_, i) => ({ key: 'k', event: event(i) })),
    );

    // The broker's shortest session: the member started below joins once the killed one expired.
    const child = forkCrashConsumer(topic, groupId, {
      FIXTURE_SESSION_TIMEOUT_MS: '6000',
      FIXTURE_HEARTBEAT_INTERVAL_MS: '500',
    });
    await eventually(() => (child.finished.length >= 5 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the child to finish five records',
    });
    child.process.kill('SIGKILL');
    expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const committed = (await committedOffsets(admin, groupId, topic))[0];

    const resumed: number[] = [];
    await start(
      topic,
      async (received) => void resumed.push((received.data as { n: number }).n),
      groupId,
    ).start();
    await eventually(() => (resumed.at(-1) === 19 ? true : undefined), {
      what: 'the group to reach the end',
    });
    const firstResumed = Number(committed === '-1' ? 0 : committed);
    expect(resumed).toEqual(Array.from({ length: 20 - firstResumed }, (_, i) => firstResumed + i));
    // Everything the killed member handled but did not commit is handled again: at-least-once.
    expect(firstResumed).toBeLessThan(5);
  });

  it("hands a killed member's partitions over after its session, and a member started meanwhile is ready while the group waits", async () => {
    // Both members run with the runtime's defaults, unless REBALANCE_SESSION_TIMEOUT_MS and
    // REBALANCE_HEARTBEAT_INTERVAL_MS say otherwise (30000 and 3000 measure the former defaults).
    const sessionTimeoutMs = numberFromEnv('REBALANCE_SESSION_TIMEOUT_MS');
    const heartbeatIntervalMs = numberFromEnv('REBALANCE_HEARTBEAT_INTERVAL_MS');
    const fixtureEnv = {
      FIXTURE_SESSION_TIMEOUT_MS: sessionTimeoutMs?.toString() ?? '',
      FIXTURE_HEARTBEAT_INTERVAL_MS: heartbeatIntervalMs?.toString() ?? '',
    };
    const partitions = 6;
    const topic = uniqueName('test.runtime.rebalance');
    await createTopics(admin, [topic, dlqTopicName(topic)], partitions);
    const groupId = uniqueName('test-group');
    const handled: FinishedRecord[] = [];
    const member = (): ConsumerRuntime => {
      const runtime = new ConsumerRuntime({
        kafka,
        producer,
        groupId,
        handlers: new Map([
          [
            topic,
            async (received, context) =>
              void handled.push({
                partition: context.partition,
                offset: context.offset,
                n: (received.data as { n: number }).n,
                at: Date.now(),
              }),
          ],
        ]),
        sessionTimeoutMs,
        heartbeatIntervalMs,
      });
      runtimes.push(runtime);
      return runtime;
    };
    /** The partitions a child member finished records of, once it has taken its share among `members`. */
    const shareOf = (child: ForkedConsumer, members: number) =>
      eventually(
        () => {
          const owned = new Set(child.finished.map((record) => record.partition));
          return child.finished.length >= 20 && owned.size >= partitions / members ? owned : undefined;
        },
        { timeoutMs: 90_000, what: 'the child member to consume its share of the partitions' },
      );
    /** Time from `killedAt` until a record of `owned` is finished by a member still alive. */
    const takeOver = async (killedAt: number, owned: Set<number>) => {
      const first = await eventually(
        () => handled.find((record) => record.at >= killedAt && owned.has(record.partition)),
        { timeoutMs: 90_000, intervalMs: 20, what: "the killed member's partitions to be consumed again" },
      );
      return first.at - killedAt;
    };

    // A steady stream over every partition, one record every 40 ms.
    let sent = 0;
    let streaming = true;
    const stream = (async () => {
      while (streaming) {
        const n = sent;
        await producer.sendRaw(topic, [
          { key: `k${n % partitions}`, partition: n % partitions, ...encodeCloudEvent(event(n)) },
        ]);
        sent++;
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();
    try {
      await member().start();
      const first = forkCrashConsumer(topic, groupId, fixtureEnv);
      const firstOwned = await shareOf(first, 2);
      const firstKilledAt = Date.now();
      first.process.kill('SIGKILL');
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      const pauseAfterKill = await takeOver(firstKilledAt, firstOwned);

      // A second child takes its share from the survivor; it is killed and a member started at once.
      const second = forkCrashConsumer(topic, groupId, fixtureEnv);
      const secondOwned = await shareOf(second, 2);
      const secondKilledAt = Date.now();
      second.process.kill('SIGKILL');
      expect(await second.exited).toEqual({ code: null, signal: 'SIGKILL' });
      const restarted = member();
      const startedAt = Date.now();
      await restarted.start();
      const startMs = Date.now() - startedAt;
      const readyOnStart = restarted.isReady;
      const joinedOnStart = restarted.joined;
      await eventually(() => (restarted.joined ? true : undefined), {
        timeoutMs: 90_000,
        intervalMs: 20,
        what: 'the restarted member to join',
      });
      const joinMs = Date.now() - startedAt;
      const pauseAfterRestart = await takeOver(secondKilledAt, secondOwned);

      // A third child is stopped as a service is (SIGTERM): it leaves the group, no session to wait out.
      const third = forkCrashConsumer(topic, groupId, fixtureEnv);
      const thirdOwned = await shareOf(third, 3);
      const thirdStoppedAt = Date.now();
      third.process.kill('SIGTERM');
      expect(await third.exited).toEqual({ code: 0, signal: null });
      const pauseAfterStop = await takeOver(thirdStoppedAt, thirdOwned);

      streaming = false;
      await stream;
      console.log(
        `[rebalance] session ${sessionTimeoutMs ?? 'default'} ms, heartbeat ${heartbeatIntervalMs ?? 'default'} ms: ` +
          `partitions of a SIGKILLed member consumed again after ${pauseAfterKill} ms; ` +
          `with a member started right after the kill: ${pauseAfterRestart} ms; that member's start() ` +
          `took ${startMs} ms (ready: ${readyOnStart}, joined: ${joinedOnStart}), it joined after ${joinMs} ms; ` +
          `partitions of a member stopped by SIGTERM consumed again after ${pauseAfterStop} ms`,
      );

      // Ready while the group still waits for the killed member's session (seconds after the kill;
      // start() takes a fraction of a second): readiness does not wait for the stall.
      expect({ readyOnStart, joinedOnStart }).toEqual({ readyOnStart: true, joinedOnStart: false });
      const ends = await admin.fetchTopicOffsets(topic);
      await eventually(
        async () => {
          const committed = await committedOffsets(admin, groupId, topic);
          return ends.every((end) => committed[end.partition] === end.high) ? true : undefined;
        },
        { what: 'every partition committed to its end' },
      );
      // At least once: every record was finished by some member, the killed ones included.
      const finished = new Set(
        [...handled, ...first.finished, ...second.finished, ...third.finished].map((record) => record.n),
      );
      expect(Array.from({ length: sent }, (_, n) => n).filter((n) => !finished.has(n))).toEqual([]);
    } finally {
      streaming = false;
      await stream;
    }
  }, 300_000);
});
