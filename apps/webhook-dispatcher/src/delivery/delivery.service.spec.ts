import {
  type CloudEvent,
  createCloudEvent,
  TOPICS,
  WEBHOOK_DISPATCH_V1,
  type WebhookDispatchPayload,
  type WebhookEndpointPayload,
} from '@meridian/contracts';
import { Logger } from '@nestjs/common';
import type { EventContext, EventProducer } from '@meridian/kafka';
import type { LifecyclePublisher, ServiceConfig } from '@meridian/platform';
import { Registry } from 'prom-client';
import type { EndpointSecrets } from '../endpoints/endpoint-secrets';
import type { WebhookEndpointView } from '../endpoints/webhook-endpoint.view';
import type { MessageStore } from '../messages/message.store';
import type { MessageStatus } from '../messages/webhook-message.entity';
import { WebhookDispatcherSettings } from '../webhook-dispatcher.settings';
import { DeliveryService } from './delivery.service';
import type { AttemptResult, WebhookSender } from './webhook-sender';

/**
 * The order of DeliveryService's side effects, with in-memory doubles for its store, producer and
 * partner (no I/O): what follows from an attempt is published before the attempt is recorded, and
 * a record of an attempt already made changes nothing.
 */
describe('DeliveryService', () => {
  interface Row {
    attempts: number;
    status: MessageStatus;
  }
  interface Published {
    topic: string;
    data: Record<string, unknown>;
  }

  const endpoint: WebhookEndpointPayload = {
    endpointId: 'ep-1',
    version: 1,
    url: 'https://partner.example/hook',
    eventTypes: ['patient.admitted'],
    active: true,
    secrets: [],
    updatedAt: '2026-01-01T00:00:00Z',
  };

  function setUp(answers: AttemptResult[], options: { active?: boolean } = {}) {
    const rows = new Map<string, Row>();
    const published: Published[] = [];
    const calls: string[] = [];
    let failNextDeliveryRecord = false;
    const store = {
      get: async (webhookId: string) => {
        const row = rows.get(webhookId);
        return row ? { webhookId, ...row } : null;
      },
      attempted: async (webhookId: string, attempt: number, status: MessageStatus) => {
        calls.push(`attempted:${status}`);
        rows.set(webhookId, { attempts: attempt, status });
      },
      failUnfinished: async (webhookId: string) => {
        calls.push('failUnfinished');
        const row = rows.get(webhookId);
        if (row && (row.status === 'pending' || row.status === 'retrying')) row.status = 'failed';
      },
      succeeded: async () => undefined,
      failing: async () => new Date(),
      disable: async () => {
        calls.push('disable');
      },
      allEndpointStates: async () => [],
    };
    const producer = {
      publish: async (topic: string, records: { event: CloudEvent }[]) => {
        if (topic === TOPICS.webhookDeliveries.name && failNextDeliveryRecord) {
          failNextDeliveryRecord = false;
          throw new Error('broker unreachable');
        }
        calls.push(`publish:${topic}`);
        for (const record of records)
          published.push({ topic, data: record.event.data as Record<string, unknown> });
      },
      sendRaw: async (topic: string) => {
        calls.push(`sendRaw:${topic}`);
      },
    };
    const settings = Object.assign(new WebhookDispatcherSettings(), {
      WEBHOOK_RETRY_DELAYS_MS: [300],
      WEBHOOK_RETRY_JITTER: 0,
    });
    const service = new DeliveryService(
      {
        loaded: Promise.resolve(),
        get: () => ({ ...endpoint, active: options.active ?? true }),
      } as unknown as WebhookEndpointView,
      { current: () => ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] } as unknown as EndpointSecrets,
      store as unknown as MessageStore,
      producer as unknown as EventProducer,
      { publish: async () => undefined } as unknown as LifecyclePublisher,
      settings,
      { service: 'webhook-dispatcher' } as ServiceConfig,
      new Registry(),
    );
    const queue = [...answers];
    const sender = { send: async () => (queue.length > 1 ? (queue.shift() as AttemptResult) : queue[0]) };
    Object.defineProperty(service, 'sender', { value: sender as unknown as WebhookSender });
    return {
      service,
      rows,
      published,
      calls,
      failNextDeliveryRecord: () => (failNextDeliveryRecord = true),
    };
  }

  const record = (attempt: number, type = 'patient.admitted'): CloudEvent<WebhookDispatchPayload> =>
    createCloudEvent({
      source: '/meridian/webhook-dispatcher',
      type: WEBHOOK_DISPATCH_V1,
      data: {
        webhookId: 'msg_1',
        endpointId: endpoint.endpointId,
        eventId: 'event-1',
        type,
        timestamp: '2026-01-01T00:00:00Z',
        data: {},
        attempt,
        firstAttemptAt: attempt > 1 ? '2026-01-01T00:00:01Z' : undefined,
      },
    });
  const context: EventContext = {
    topic: TOPICS.webhookDispatch.name,
    partition: 0,
    offset: '7',
    key: endpoint.endpointId,
    headers: {},
    attempt: 1,
    heartbeat: async () => undefined,
  };
  const gone: AttemptResult = { kind: 'gone', statusCode: 410, durationMs: 3, breakerFailure: false };
  const failed: AttemptResult = {
    kind: 'failed',
    statusCode: 500,
    durationMs: 3,
    breakerFailure: false,
    error: { class: 'Http5xx', message: 'the endpoint answered 5xx', retryable: true },
  };
  const outcomes = (published: Published[]) =>
    published.filter((p) => p.topic === TOPICS.webhookDeliveries.name).map((p) => p.data.outcome);

  beforeAll(() => Logger.overrideLogger(false));

  it('reports a 410 before recording it, so a retry after a failed publish still reports it', async () => {
    const { service, rows, published, calls, failNextDeliveryRecord } = setUp([gone]);
    rows.set('msg_1', { attempts: 0, status: 'pending' });
    failNextDeliveryRecord();
    await expect(service.deliver(record(1), context)).rejects.toThrow('broker unreachable');
    // Nothing recorded or disabled: the runtime's retry is not taken for an attempt already made.
    expect(rows.get('msg_1')).toEqual({ attempts: 0, status: 'pending' });
    expect(service.isDeliverable(endpoint)).toBe(true);

    await service.deliver(record(1), context);
    expect(outcomes(published)).toEqual(['disabled']);
    expect(rows.get('msg_1')).toEqual({ attempts: 1, status: 'failed' });
    expect(service.isDeliverable(endpoint)).toBe(false);
    expect(calls.indexOf(`publish:${TOPICS.webhookDeliveries.name}`)).toBeLessThan(calls.indexOf('disable'));
    // endpoint.disabled announced for exact subscribers, ids only.
    expect(published.find((p) => p.topic === TOPICS.webhooksOutbound.name)?.data).toMatchObject({
      type: 'endpoint.disabled',
      data: { endpointId: 'ep-1', version: 1, reason: 'gone' },
    });
  });

  it('publishes the retry and its delivery record before recording the attempt', async () => {
    const { service, rows, published, calls } = setUp([failed]);
    rows.set('msg_1', { attempts: 0, status: 'pending' });
    await service.deliver(record(1), context);
    expect(outcomes(published)).toEqual(['failed']);
    expect(calls.at(-1)).toBe('attempted:retrying');
    expect(calls.filter((c) => c.startsWith('sendRaw:'))).toHaveLength(1);
  });

  it('after the last attempt: DLQ, exhausted record and message.attempt.exhausted, then recorded', async () => {
    const { service, rows, published, calls } = setUp([failed]);
    rows.set('msg_1', { attempts: 1, status: 'retrying' });
    await service.deliver(record(2), context);
    expect(outcomes(published)).toEqual(['exhausted']);
    expect(published.find((p) => p.topic === TOPICS.webhooksOutbound.name)?.data).toMatchObject({
      type: 'message.attempt.exhausted',
      data: { webhookId: 'msg_1', endpointId: 'ep-1', eventType: 'patient.admitted', attempts: 2 },
    });
    expect(calls.at(-1)).toBe('attempted:exhausted');
  });

  it('announces nothing when an operational message is exhausted (no chain between dead endpoints)', async () => {
    const { service, rows, published } = setUp([failed]);
    rows.set('msg_1', { attempts: 1, status: 'retrying' });
    await service.deliver(record(2, 'message.attempt.exhausted'), context);
    expect(outcomes(published)).toEqual(['exhausted']);
    expect(published.filter((p) => p.topic === TOPICS.webhooksOutbound.name)).toHaveLength(0);
  });

  it('leaves a delivered message delivered when its record comes again after the endpoint was disabled', async () => {
    const { service, rows, published, calls } = setUp([gone], { active: false });
    rows.set('msg_1', { attempts: 1, status: 'delivered' });
    await service.deliver(record(1), context);
    expect(rows.get('msg_1')).toEqual({ attempts: 1, status: 'delivered' });
    expect(calls).not.toContain('failUnfinished');
    expect(published).toHaveLength(0);
  });

  it('marks a message not yet attempted failed when its endpoint is inactive, and sends nothing', async () => {
    const { service, rows, published } = setUp([gone], { active: false });
    rows.set('msg_1', { attempts: 0, status: 'pending' });
    await service.deliver(record(1), context);
    expect(rows.get('msg_1')).toEqual({ attempts: 0, status: 'failed' });
    expect(published).toHaveLength(0);
  });
});
