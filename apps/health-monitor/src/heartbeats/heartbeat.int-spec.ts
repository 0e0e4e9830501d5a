import type { INestApplication } from '@nestjs/common';
import {
  allTopicDefinitions,
  createCloudEvent,
  DLQ_HEADERS,
  dlqTopicName,
  SERVICE_HEARTBEAT_V1,
  TOPICS,
} from '@meridian/contracts';
import { EventProducer, provisionTopics, readTopic } from '@meridian/kafka';
import { startService } from '@meridian/platform';
import { eventually, testKafka } from '@meridian/testing';
import { randomUUID } from 'node:crypto';
import { healthMonitorService } from '../app.module';

describe('health-monitor heartbeats (real broker, real Postgres)', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const admin = testKafka().admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    await admin.disconnect();
    ({ app } = await startService(healthMonitorService, {
      env: { ...process.env, PORT: '0', KAFKA_SESSION_TIMEOUT_MS: '6000', LOG_LEVEL: 'warn' },
      handleSignals: false,
    }));
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(() => app?.close());

  const heartbeat = (service: string, time: string) => ({
    key: `${service}/test`,
    event: createCloudEvent({
      source: `/meridian/${service}`,
      type: SERVICE_HEARTBEAT_V1,
      time,
      data: {
        service,
        instanceId: randomUUID(),
        version: '0.1.0',
        startedAt: '2026-01-01T00:00:00Z',
        status: 'ready',
      },
    }),
  });

  it('keeps the latest heartbeat per service, whatever order they arrive in', async () => {
    const producer = app.get(EventProducer);
    // Far in the future, so heartbeats of services running during the test run do not interfere.
    await producer.publish(TOPICS.serviceHeartbeats.name, [
      heartbeat('pms-adapter', '2100-01-01T00:00:10Z'),
      heartbeat('pms-adapter', '2100-01-01T00:00:05Z'),
    ]);
    const latest = Date.parse('2100-01-01T00:00:10Z') / 1000;
    const line = `meridian_service_last_heartbeat_timestamp_seconds{service="pms-adapter"} ${latest}`;
    await eventually(
      async () => ((await (await fetch(`${url}/metrics`)).text()).includes(line) ? true : undefined),
      {
        what: 'the latest pms-adapter heartbeat on /metrics',
      },
    );
    expect(await (await fetch(`${url}/metrics`)).text()).toContain(line);
  });

  it('sends a heartbeat from an unknown service to the DLQ at stage validate', async () => {
    const producer = app.get(EventProducer);
    const stray = heartbeat('billing', '2100-01-01T00:00:00Z');
    await producer.publish(TOPICS.serviceHeartbeats.name, [stray]);
    const kafka = testKafka();
    const admin = kafka.admin();
    await admin.connect();
    const dead = await eventually(
      async () => {
        const records = await readTopic(kafka, admin, dlqTopicName(TOPICS.serviceHeartbeats.name));
        return records.find((r) => String(r.message.headers?.ce_id) === stray.event.id);
      },
      { what: 'the stray heartbeat in the DLQ' },
    ).finally(() => admin.disconnect());
    expect(String(dead.message.headers?.[DLQ_HEADERS.stage])).toBe('validate');
    expect(String(dead.message.headers?.[DLQ_HEADERS.consumerGroup])).toBe('meridian.health-monitor');
    expect(await (await fetch(`${url}/metrics`)).text()).not.toContain('service="billing"');
  });
});
