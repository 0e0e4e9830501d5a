import {
  Controller,
  Injectable,
  Module,
  type INestApplication,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { createCloudEvent, DLQ_HEADERS, dlqTopicName, type CloudEvent } from '@meridian/contracts';
import { EventProducer, KafkaEventContext, PermanentError, TransientError } from '@meridian/kafka';
import { collectRecords, createTopics, eventually, testKafka, uniqueName } from '@meridian/testing';
import { AssignerProtocol } from 'kafkajs';
import { startService } from './bootstrap';

const TOPIC = uniqueName('test.platform');

interface ReadyBody {
  status: string;
  info: { kafka: { status: string; consumers: Record<string, string> }; database: { status: string } };
}
const handled: { n: number; attempt: number }[] = [];

@Controller()
class ProbeHandler {
  @EventPattern(TOPIC)
  async handle(
    @Payload() event: CloudEvent<{ n: number; fail?: 'permanent' | 'transient-once' }>,
    @Ctx() context: KafkaEventContext,
  ) {
    const { n, fail } = event.data;
    handled.push({ n, attempt: context.record.attempt });
    if (fail === 'permanent') throw new PermanentError(`record ${n} breaks a rule`);
    if (fail === 'transient-once' && context.record.attempt === 1)
      throw new TransientError('upstream timed out');
  }
}

@Injectable()
class BootstrapCounter implements OnApplicationBootstrap {
  static calls = 0;
  onApplicationBootstrap(): void {
    BootstrapCounter.calls++;
  }
}

@Module({ controllers: [ProbeHandler], providers: [BootstrapCounter] })
class ProbeModule {}

describe('a service started by the platform (Nest handlers on the consumer runtime)', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const admin = testKafka().admin();
    await admin.connect();
    await createTopics(admin, [TOPIC, dlqTopicName(TOPIC)]);
    await admin.disconnect();
    ({ app } = await startService(
      { name: 'orchestrator', defaultPort: 0, imports: [ProbeModule] },
      {
        env: { ...process.env, PORT: '0', KAFKA_SESSION_TIMEOUT_MS: '6000', LOG_LEVEL: 'warn' },
        handleSignals: false,
      },
    ));
    url = await app.getUrl();
  });

  let closed = false;
  afterAll(() => (closed ? undefined : app?.close()));

  it('is ready once its consumer runs, reports Kafka and the database, and says when the group let it in', async () => {
    const ready = async () => {
      const response = await fetch(`${url.replace('[::1]', '127.0.0.1')}/health/ready`);
      return response.status === 200 ? ((await response.json()) as ReadyBody) : undefined;
    };
    const body = await eventually(ready, { what: 'readiness' });
    expect(body).toMatchObject({
      status: 'ok',
      info: { kafka: { status: 'up' }, database: { status: 'up' } },
    });
    // Readiness does not wait for the group to let the consumer in (after a member was killed, that
    // takes its session timeout); the consumer's detail says which it is.
    expect(['joining', 'in-group']).toContain(body.info.kafka.consumers['meridian.orchestrator']);
    await eventually(
      async () =>
        (await ready())?.info.kafka.consumers['meridian.orchestrator'] === 'in-group' ? true : undefined,
      { what: 'the consumer in its group' },
    );
  });

  it('runs lifecycle hooks once, although HTTP and the Kafka transport both start', () => {
    expect(BootstrapCounter.calls).toBe(1);
  });

  it('keeps the error class through Nest: permanent → DLQ without retry, transient → retried', async () => {
    const producer = app.get(EventProducer);
    const event = (data: object) =>
      createCloudEvent({ source: '/meridian/test', type: 'org.meridian.test.v1', data });
    await producer.publish(TOPIC, [
      { key: 'a', event: event({ n: 1, fail: 'permanent' }) },
      { key: 'a', event: event({ n: 2, fail: 'transient-once' }) },
      { key: 'a', event: event({ n: 3 }) },
    ]);

    const [dead] = await collectRecords(testKafka(), dlqTopicName(TOPIC), { count: 1 });
    expect(String(dead.message.headers?.[DLQ_HEADERS.exceptionClass])).toBe('PermanentError');
    expect(String(dead.message.headers?.[DLQ_HEADERS.exceptionMessage])).toBe('record 1 breaks a rule');
    expect(String(dead.message.headers?.[DLQ_HEADERS.attempts])).toBe('1');
    await eventually(() => (handled.some((h) => h.n === 3) ? true : undefined), { what: 'record 3' });
    expect(handled).toEqual([
      { n: 1, attempt: 1 },
      { n: 2, attempt: 1 },
      { n: 2, attempt: 2 },
      { n: 3, attempt: 1 },
    ]);
  });

  it('leaves its consumer group when it closes (what SIGTERM runs), so its partitions move at once', async () => {
    const admin = testKafka().admin();
    await admin.connect();
    try {
      // Members of the service's group that read this suite's topic (other suites share the group name).
      const ours = async () => {
        const { groups } = await admin.describeGroups(['meridian.orchestrator']);
        return groups[0].members.filter((member) =>
          AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics.includes(TOPIC),
        ).length;
      };
      await eventually(async () => ((await ours()) === 1 ? true : undefined), {
        what: 'the consumer in its group',
      });
      await app.close();
      closed = true;
      // Gone as soon as close returns: it said LeaveGroup rather than letting its session expire.
      expect(await ours()).toBe(0);
    } finally {
      await admin.disconnect();
    }
  });
});
