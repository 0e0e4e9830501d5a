import type { INestApplication } from '@nestjs/common';
import { DLQ_HEADERS, dlqTopicName, TOPICS } from '@meridian/contracts';
import { deriveWebhookMessageId, generateWebhookSecret } from '@meridian/security';
import { eventually } from '@meridian/testing';
import { awaitEndpoint, startDispatcher, WebhookTestKafka } from '../testing/dispatcher-harness';
import { PartnerReceiver } from '../testing/partner-receiver';

/**
 * The dispatcher in this process on the run's broker and database; partners are real HTTP servers
 * on local sockets that verify every request with the public `standardwebhooks` library.
 * Short schedule (attempts after 300 ms, 300 ms, 300 ms: 4 in all) and an 8 s timeout. Endpoints
 * subscribe to event types of this run only (`kafka.type()`): other suites on the broker publish
 * real `patient.admitted` events.
 */
describe('webhook delivery (real Kafka, Postgres and HTTP)', () => {
  const kafka = new WebhookTestKafka();
  let receiver: PartnerReceiver;
  let dispatcher: INestApplication;

  beforeAll(async () => {
    await kafka.start();
    receiver = await PartnerReceiver.start();
    dispatcher = await startDispatcher({
      WEBHOOK_RETRY_DELAYS_MS: '300,300,300',
      WEBHOOK_RETRY_JITTER: '0',
      WEBHOOK_TIMEOUT_MS: '8000',
      WEBHOOK_BREAKER_RESET_MS: '1000',
    });
  });

  afterAll(async () => {
    await kafka.close();
    await dispatcher?.close();
    await receiver?.close();
  });

  /** A subscribed endpoint on its own receiver path, known to the dispatcher. */
  async function endpoint(
    label: string,
    replies: Parameters<PartnerReceiver['route']>[2],
    options: { secrets?: { secret: string; expiresAt?: string }[]; eventTypes?: string[] } = {},
  ) {
    const endpointId = kafka.id(label);
    const secrets = options.secrets ?? [{ secret: generateWebhookSecret() }];
    const path = `/${endpointId}`;
    receiver.route(
      path,
      secrets.map((s) => s.secret),
      replies,
    );
    const config = kafka.endpoint(endpointId, receiver.url(path), secrets, {
      eventTypes: options.eventTypes ?? [kafka.type()],
    });
    await kafka.publishEndpoint(config);
    await awaitEndpoint(dispatcher, endpointId, 1);
    return { endpointId, path, config, secrets };
  }

  /** Operational events of `type` a path received (other suites' too: filter by what they are about). */
  const operational = (path: string, type: string): { data: Record<string, unknown> }[] =>
    receiver
      .on(path)
      .map((request) => JSON.parse(request.body) as { type: string; data: Record<string, unknown> })
      .filter((body) => body.type === type);

  it('delivers {type, timestamp, data} signed so the partner library verifies it, once per event', async () => {
    const { endpointId, path } = await endpoint('plain', [{ status: 200, body: 'thanks' }]);
    const other = await endpoint('other-type', [{ status: 200 }], { eventTypes: [kafka.type('result')] });
    const event = await kafka.publishEvent();

    const [delivery] = await kafka.waitForDeliveries(endpointId, 1);
    expect(delivery).toMatchObject({
      outcome: 'delivered',
      attempt: 1,
      statusCode: 200,
      responseBody: 'thanks',
    });
    const [request] = receiver.on(path);
    expect(request.verifiedWith).toEqual([0]);
    expect(request.headers['webhook-id']).toBe(deriveWebhookMessageId(event.eventId, endpointId));
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toBe(
      JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data }),
    );

    // The same event again (a redelivery) is the same message, already delivered: not sent twice.
    await kafka.publishEvent(event);
    const later = await kafka.publishEvent();
    await kafka.waitForDeliveries(endpointId, 2);
    expect(receiver.on(path).map((r) => r.headers['webhook-id'])).toEqual([
      deriveWebhookMessageId(event.eventId, endpointId),
      deriveWebhookMessageId(later.eventId, endpointId),
    ]);
    // An endpoint subscribed to another type got none of them.
    expect(receiver.on(other.path)).toHaveLength(0);
  });

  it('signs with the old and the new secret during a rotation, and with the new one only after', async () => {
    const fresh = generateWebhookSecret();
    const old = generateWebhookSecret();
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const { endpointId, path, config } = await endpoint('rotation', [{ status: 204 }], {
      secrets: [{ secret: fresh }, { secret: old, expiresAt }],
    });
    await kafka.publishEvent();
    await kafka.waitForDeliveries(endpointId, 1);
    // Verified by a partner holding only the new secret, and by one holding only the old.
    expect(receiver.on(path)[0].verifiedWith).toEqual([0, 1]);
    expect(String(receiver.on(path)[0].headers['webhook-signature']).split(' ')).toHaveLength(2);

    await kafka.publishEndpoint(
      kafka.endpoint(endpointId, config.url, [{ secret: fresh }], {
        version: 2,
        eventTypes: [kafka.type()],
      }),
    );
    await awaitEndpoint(dispatcher, endpointId, 2);
    await kafka.publishEvent();
    await kafka.waitForDeliveries(endpointId, 2);
    expect(receiver.on(path)[1].verifiedWith).toEqual([0]);
  });

  it('retries a 500 and delivers once, with the same webhook-id on both attempts', async () => {
    const { endpointId, path } = await endpoint('flaky', [{ status: 500, body: 'oops' }, { status: 200 }]);
    await kafka.publishEvent();
    const deliveries = await kafka.waitForDeliveries(endpointId, 2);
    expect(deliveries.map((d) => [d.attempt, d.outcome, d.statusCode])).toEqual([
      [1, 'failed', 500],
      [2, 'delivered', 200],
    ]);
    expect(deliveries[0]).toMatchObject({ responseBody: 'oops', error: { class: 'Http5xx' } });
    expect(typeof deliveries[0].nextAttemptAt).toBe('string');
    const requests = receiver.on(path);
    expect(requests).toHaveLength(2);
    expect(requests[1].headers['webhook-id']).toBe(requests[0].headers['webhook-id']);
    expect(requests.every((r) => r.verifiedWith.length === 1)).toBe(true);
  });

  it('schedules the next attempt no earlier than a 429 Retry-After', async () => {
    const { endpointId, path } = await endpoint('throttled', [
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 200 },
    ]);
    await kafka.publishEvent();
    const [first, second] = await kafka.waitForDeliveries(endpointId, 2);
    expect(first).toMatchObject({ attempt: 1, outcome: 'failed', statusCode: 429 });
    expect(second).toMatchObject({ attempt: 2, outcome: 'delivered' });
    // The partner's own clock: its second request came at least Retry-After (2 s; the schedule
    // says 300 ms) after it answered the first. An ordering of two events, not a speed bound.
    const [asked, retried] = receiver.on(path);
    expect(retried.at - asked.at).toBeGreaterThanOrEqual(2_000);
  });

  it('disables an endpoint that answers 410 Gone and sends it nothing more', async () => {
    const gone = await endpoint('gone', [{ status: 410 }]);
    const healthy = await endpoint('beside-gone', [{ status: 200 }]);
    const ops = await endpoint('ops-disabled', [{ status: 200 }], { eventTypes: ['endpoint.disabled'] });
    const everything = await endpoint('everything', [{ status: 200 }], { eventTypes: ['*'] });
    await kafka.publishEvent();
    const [delivery] = await kafka.waitForDeliveries(gone.endpointId, 1);
    expect(delivery).toMatchObject({
      outcome: 'disabled',
      statusCode: 410,
      error: { class: 'EndpointGone' },
    });
    await eventually(() =>
      kafka.records.find(
        (r) =>
          r.topic === TOPICS.integrationEvents.name &&
          r.value?.step === 'webhook-dispatcher.endpoint-disabled',
      ),
    );

    // Partners' operations endpoints subscribed to `endpoint.disabled` hear of it; `*` does not.
    const told = await eventually(
      () => operational(ops.path, 'endpoint.disabled').find((e) => e.data.endpointId === gone.endpointId),
      { what: 'endpoint.disabled announced' },
    );
    expect(told.data).toEqual({ endpointId: gone.endpointId, version: 1, reason: 'gone' });

    await kafka.publishEvent();
    await kafka.waitForDeliveries(healthy.endpointId, 2);
    expect(receiver.on(gone.path)).toHaveLength(1);
    expect(kafka.deliveries(gone.endpointId)).toHaveLength(1);
    expect(operational(everything.path, 'endpoint.disabled')).toHaveLength(0);
  });

  it('times out on a hanging partner and retries', async () => {
    const { endpointId, path } = await endpoint('hanging', ['hang', { status: 200 }]);
    await kafka.publishEvent();
    const deliveries = await kafka.waitForDeliveries(endpointId, 2);
    expect(deliveries.map((d) => [d.attempt, d.outcome])).toEqual([
      [1, 'failed'],
      [2, 'delivered'],
    ]);
    expect(deliveries[0]).toMatchObject({ error: { class: 'Timeout' } });
    expect(deliveries[0].statusCode).toBeUndefined();
    expect(receiver.on(path)[1].headers['webhook-id']).toBe(receiver.on(path)[0].headers['webhook-id']);
  });

  it('does not follow a redirect; after the last attempt the message is in the DLQ, and a resend delivers it', async () => {
    const { endpointId, path } = await endpoint(
      'redirect',
      [{ status: 302, headers: { location: receiver.url('/elsewhere') } }],
      { eventTypes: [kafka.type(), 'message.attempt.exhausted'] },
    );
    const ops = await endpoint('ops-exhausted', [{ status: 200 }], {
      eventTypes: ['message.attempt.exhausted'],
    });
    receiver.route('/elsewhere', [], [{ status: 200 }]);
    const event = await kafka.publishEvent();
    const webhookId = deriveWebhookMessageId(event.eventId, endpointId);

    await kafka.waitForDeliveries(endpointId, 4);
    const deliveries = kafka.deliveries(endpointId).filter((d) => d.webhookId === webhookId);
    expect(deliveries.map((d) => [d.attempt, d.outcome, d.statusCode])).toEqual([
      [1, 'failed', 302],
      [2, 'failed', 302],
      [3, 'failed', 302],
      [4, 'exhausted', 302],
    ]);
    expect(deliveries[0]).toMatchObject({ error: { class: 'Redirect' } });
    expect(receiver.on('/elsewhere')).toHaveLength(0);
    const dead = await eventually(() =>
      kafka.records.find(
        (r) => r.topic === dlqTopicName(TOPICS.webhookDispatch.name) && r.value?.webhookId === webhookId,
      ),
    );
    expect(dead.key).toBe(endpointId);
    expect(dead.headers[DLQ_HEADERS.attempts]).toBe('4');
    expect(dead.headers[DLQ_HEADERS.exceptionClass]).toBe('DeliveryExhaustedError');
    await eventually(() =>
      kafka.records.find(
        (r) => r.topic === TOPICS.integrationEvents.name && r.value?.step === 'webhook-dispatcher.exhausted',
      ),
    );
    // message.attempt.exhausted, thin, to the endpoint subscribed to it exactly; not to the one it
    // is about, although that one subscribes to it too.
    const exhausted = await eventually(
      () => operational(ops.path, 'message.attempt.exhausted').find((e) => e.data.webhookId === webhookId),
      { what: 'message.attempt.exhausted announced' },
    );
    expect(exhausted.data).toEqual({ webhookId, endpointId, eventType: kafka.type(), attempts: 4 });
    expect(operational(path, 'message.attempt.exhausted')).toHaveLength(0);

    // The partner fixed its endpoint; an operator re-sends the message: attempt 1 again, same id.
    receiver.route(path, [], [{ status: 200 }]);
    await kafka.publishCommand({ command: 'resend', endpointId, webhookId });
    const resent = await eventually(
      () => kafka.deliveries(endpointId).find((d) => d.webhookId === webhookId && d.outcome === 'delivered'),
      { what: 'the resent message delivered' },
    );
    expect(resent).toMatchObject({ attempt: 1, outcome: 'delivered', webhookId });
    expect(receiver.on(path).filter((r) => r.headers['webhook-id'] === webhookId)).toHaveLength(5);
  });

  it('recovers every failed message of an endpoint since a time', async () => {
    const since = new Date().toISOString();
    const { endpointId, path } = await endpoint('recover', [{ status: 500 }]);
    const first = await kafka.publishEvent();
    const second = await kafka.publishEvent();
    await kafka.waitForDeliveries(endpointId, 8);
    expect(kafka.deliveries(endpointId).filter((d) => d.outcome === 'exhausted')).toHaveLength(2);

    receiver.route(path, [], [{ status: 200 }]);
    await kafka.publishCommand({ command: 'recover', endpointId, since });
    // Its breaker, opened by the failures, may refuse the first of them; they go on through the schedule.
    const delivered = await eventually(
      () => {
        const ids = kafka
          .deliveries(endpointId)
          .filter((d) => d.outcome === 'delivered')
          .map((d) => d.webhookId as string);
        return ids.length >= 2 ? ids : undefined;
      },
      { what: 'both recovered messages delivered' },
    );
    expect(delivered.sort()).toEqual(
      [
        deriveWebhookMessageId(first.eventId, endpointId),
        deriveWebhookMessageId(second.eventId, endpointId),
      ].sort(),
    );
  });

  it('holds an endpoint to its rate limit by deferring, not failing, what is over it', async () => {
    const endpointId = kafka.id('limited');
    const secret = generateWebhookSecret();
    const path = `/${endpointId}`;
    receiver.route(path, [secret], [{ status: 200 }]);
    await kafka.publishEndpoint(
      kafka.endpoint(endpointId, receiver.url(path), [{ secret }], {
        eventTypes: [kafka.type()],
        rateLimitPerSecond: 2,
      }),
    );
    await awaitEndpoint(dispatcher, endpointId, 1);
    for (let i = 0; i < 6; i++) await kafka.publishEvent();

    const deliveries = await kafka.waitForDeliveries(endpointId, 6);
    // Every message delivered on its first attempt, once: deferral spends no attempt.
    expect(deliveries.map((d) => [d.attempt, d.outcome])).toEqual(Array(6).fill([1, 'delivered']));
    expect(new Set(receiver.on(path).map((r) => r.headers['webhook-id'])).size).toBe(6);
    expect(receiver.on(path)).toHaveLength(6);
  });

  it('refuses a private address without connecting (no allow-list entry for it)', async () => {
    const endpointId = kafka.id('private');
    await kafka.publishEndpoint(
      kafka.endpoint(endpointId, 'http://10.20.30.40:8080/hook', undefined, {
        eventTypes: [kafka.type()],
      }),
    );
    await awaitEndpoint(dispatcher, endpointId, 1);
    await kafka.publishEvent();
    const [delivery] = await kafka.waitForDeliveries(endpointId, 1);
    expect(delivery).toMatchObject({ outcome: 'failed', error: { class: 'UrlRefused' } });
    expect(String((delivery.error as { message: string }).message)).toContain('private');
    expect(delivery.statusCode).toBeUndefined();
  });

  it('does not make a healthy endpoint wait for a hanging one (measured, asserted on order and counts only)', async () => {
    // A dispatcher whose timeout (60 s, the most allowed) outlasts the waits below (30 s): the dead partner's request hangs until the test
    // releases it, after the healthy deliveries arrived, so the order below cannot depend on speed.
    await dispatcher.close();
    dispatcher = await startDispatcher({
      WEBHOOK_RETRY_DELAYS_MS: '300,300,300',
      WEBHOOK_RETRY_JITTER: '0',
      WEBHOOK_TIMEOUT_MS: '60000',
    });
    const count = 10;
    const type = kafka.type('lab');
    const deliveryLatencies = async (endpointId: string, path: string): Promise<number[]> => {
      const published: number[] = [];
      for (let i = 0; i < count; i++) {
        published.push(Date.now());
        await kafka.publishEvent({ type, integrationId: kafka.id(`lab-${i}`) });
      }
      await kafka.waitForDeliveries(endpointId, count);
      return receiver.on(path).map((request, i) => request.at - published[i]);
    };

    const alone = await endpoint('healthy-alone', [{ status: 200 }], { eventTypes: [type] });
    const baseline = await deliveryLatencies(alone.endpointId, alone.path);
    // Retire it, so the second round measures the healthy endpoint beside the dead one only.
    await kafka.publishEndpoint(
      kafka.endpoint(alone.endpointId, alone.config.url, undefined, { version: 2, active: false }),
    );
    await awaitEndpoint(dispatcher, alone.endpointId, 2);

    const dead = await endpoint('dead', ['hang', { status: 200 }], { eventTypes: [type] });
    const healthy = await endpoint('healthy', [{ status: 200 }], { eventTypes: [type] });
    const beside = await deliveryLatencies(healthy.endpointId, healthy.path);

    // Every healthy delivery arrived while the dead endpoint's first request was held; its other
    // nine messages wait behind it (in order per endpoint), and nothing of it was reported yet.
    expect(receiver.on(healthy.path)).toHaveLength(count);
    expect(receiver.on(dead.path)).toHaveLength(1);
    expect(receiver.openRequests).toBe(1);
    expect(kafka.deliveries(dead.endpointId)).toHaveLength(0);

    // Released, the dead endpoint gets all ten, each on its first attempt.
    receiver.release(200);
    const deadDeliveries = await kafka.waitForDeliveries(dead.endpointId, count);
    expect(deadDeliveries.map((d) => [d.attempt, d.outcome])).toEqual(Array(count).fill([1, 'delivered']));
    const lastHealthy = Math.max(...receiver.on(healthy.path).map((r) => r.at));
    expect(receiver.on(dead.path)[1].at).toBeGreaterThanOrEqual(lastHealthy);

    const summary = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return `median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms`;
    };
    process.stdout.write(
      `\n[measure] healthy endpoint, ${count} events: alone ${summary(baseline)}; ` +
        `beside a hanging endpoint ${summary(beside)}\n`,
    );
  });
});
