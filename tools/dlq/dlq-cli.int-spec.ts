import { allTopicDefinitions, CE, createCloudEvent, dlqTopicName, TOPICS } from '@meridian/contracts';
import { ConsumerRuntime, EventProducer, PermanentError, provisionTopics, readTopic } from '@meridian/kafka';
import { committedOffsets, createTopics, eventually, testKafka, uniqueName } from '@meridian/testing';
import type { Admin, Kafka } from 'kafkajs';
import { dlqCli } from './dlq-cli';

describe('dlq CLI (real broker)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: EventProducer;
  const runtimes: ConsumerRuntime[] = [];
  let printed: string[];

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    producer = new EventProducer(kafka);
    await producer.connect();
  });

  beforeEach(() => {
    printed = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await Promise.all(runtimes.map((r) => r.stop()));
    await producer.disconnect();
    await admin.disconnect();
  });

  function consume(
    topic: string,
    groupId: string,
    handle: (id: string, headers: Record<string, string>) => void,
  ) {
    const runtime = new ConsumerRuntime({
      kafka,
      producer,
      groupId,
      sessionTimeoutMs: 6_000,
      handlers: new Map([[topic, async (event, context) => handle(event.id, context.headers)]]),
    });
    runtimes.push(runtime);
    return runtime.start();
  }

  it('redrives a dead letter to the failed group only, with the same ce_id, audited, once', async () => {
    const topic = uniqueName('test.dlqcli');
    await createTopics(admin, [topic, dlqTopicName(topic)]);
    const event = createCloudEvent({
      source: '/meridian/test',
      type: 'org.meridian.test.v1',
      data: { n: 1 },
    });
    await producer.publish(topic, [{ key: 'patient-9', event }]);

    let broken = true;
    const flaky: { id: string; headers: Record<string, string> }[] = [];
    const healthy: string[] = [];
    await consume(topic, uniqueName('flaky'), (id, headers) => {
      flaky.push({ id, headers });
      if (broken) throw new PermanentError('mapping rule 7 failed');
    });
    const healthyGroup = uniqueName('healthy');
    await consume(topic, healthyGroup, (id) => void healthy.push(id));
    await eventually(
      async () => ((await readTopic(kafka, admin, dlqTopicName(topic))).length === 1 ? true : undefined),
      {
        what: 'the dead letter',
      },
    );
    await eventually(() => (healthy.length === 1 ? true : undefined), { what: 'the healthy group' });

    await dlqCli(['show', dlqTopicName(topic)]);
    expect(printed.join('')).toContain('stage=handle attempts=1');
    expect(printed.join('')).toContain('PermanentError: mapping rule 7 failed');
    expect(printed.join('')).not.toContain('patient-9');

    broken = false;
    await dlqCli([
      'replay',
      dlqTopicName(topic),
      '--partition',
      '0',
      '--offset',
      '0',
      '--operator',
      'jo',
      '--reason',
      'rule fixed',
    ]);
    await eventually(() => (flaky.length === 2 ? true : undefined), { what: 'the redriven record' });
    expect(flaky[1].id).toBe(event.id);
    expect(flaky[1].headers[CE.id]).toBe(event.id);
    expect(flaky[1].headers['redrive.count']).toBe('1');

    const audit = await readTopic(kafka, admin, TOPICS.dlqRedriveAudit.name);
    const mine = audit.filter((r) => r.message.key?.toString() === `${dlqTopicName(topic)}/0@0`);
    expect(mine).toHaveLength(1);
    expect(JSON.parse(mine[0].message.value!.toString())).toMatchObject({
      operator: 'jo',
      reason: 'rule fixed',
      ceId: event.id,
      targetTopic: topic,
    });

    printed = [];
    await dlqCli(['replay', dlqTopicName(topic), '--all', '--operator', 'jo', '--reason', 'again']);
    expect(printed.join('')).toContain('already redriven');
    expect(printed.join('')).toContain('0 record(s) redriven');
    // The group that had succeeded read the redriven record (offset 1) and skipped it.
    await eventually(
      async () => ((await committedOffsets(admin, healthyGroup, topic))[0] === '2' ? true : undefined),
      {
        what: 'the healthy group to pass the redriven record',
      },
    );
    expect(healthy).toEqual([event.id]);
  });

  it('refuses a replay without an operator and a reason', async () => {
    await expect(dlqCli(['replay', 'x.dlq', '--all'])).rejects.toThrow('--operator and --reason');
  });
});
