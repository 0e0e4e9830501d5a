import type { INestApplication } from '@nestjs/common';
import { TOPICS } from '@meridian/contracts';
import { generateWebhookSecret } from '@meridian/security';
import { eventually } from '@meridian/testing';
import { awaitEndpoint, startDispatcher, WebhookTestKafka } from '../testing/dispatcher-harness';
import { PartnerReceiver } from '../testing/partner-receiver';

/**
 * The "failing for 5 days" rule with the period shortened (WEBHOOK_DISABLE_AFTER_MS=1500) and
 * attempts 700 ms apart: an endpoint that never succeeds is disabled once its failures span the period.
 */
describe('an endpoint failing for the whole disable period (real Kafka, Postgres and HTTP)', () => {
  const kafka = new WebhookTestKafka();
  let receiver: PartnerReceiver;
  let dispatcher: INestApplication;

  beforeAll(async () => {
    await kafka.start();
    receiver = await PartnerReceiver.start();
    dispatcher = await startDispatcher({
      WEBHOOK_RETRY_DELAYS_MS: '700,700,700,700,700,700,700',
      WEBHOOK_RETRY_JITTER: '0',
      WEBHOOK_DISABLE_AFTER_MS: '1500',
    });
  });

  afterAll(async () => {
    await kafka.close();
    await dispatcher?.close();
    await receiver?.close();
  });

  it('is disabled, told on the delivery log and the lifecycle, and sent nothing more', async () => {
    const endpointId = kafka.id('failing');
    const secret = generateWebhookSecret();
    receiver.route(`/${endpointId}`, [secret], [{ status: 503 }]);
    await kafka.publishEndpoint(
      kafka.endpoint(endpointId, receiver.url(`/${endpointId}`), [{ secret }], {
        eventTypes: [kafka.type()],
      }),
    );
    await awaitEndpoint(dispatcher, endpointId, 1);
    await kafka.publishEvent();

    const disabled = await eventually(
      () => kafka.deliveries(endpointId).find((d) => d.outcome === 'disabled'),
      {
        what: 'the disabled outcome',
      },
    );
    expect(disabled).toMatchObject({ error: { class: 'EndpointFailing', retryable: false } });
    const outcomes = kafka.deliveries(endpointId).map((d) => d.outcome);
    // Failed attempts first, the schedule not used up, and disabled as the last word.
    expect(outcomes.slice(0, -1).every((outcome) => outcome === 'failed')).toBe(true);
    expect(outcomes.at(-1)).toBe('disabled');
    expect(outcomes.length).toBeLessThan(8);
    await eventually(() =>
      kafka.records.find(
        (r) =>
          r.topic === TOPICS.integrationEvents.name &&
          r.value?.step === 'webhook-dispatcher.endpoint-disabled' &&
          (r.value.error as { class?: string } | undefined)?.class === 'EndpointFailing',
      ),
    );

    // A later event is not fanned out to it; a healthy endpoint beside it shows the event went through.
    const healthyId = kafka.id('healthy');
    receiver.route(`/${healthyId}`, [secret], [{ status: 200 }]);
    await kafka.publishEndpoint(
      kafka.endpoint(healthyId, receiver.url(`/${healthyId}`), [{ secret }], {
        eventTypes: [kafka.type()],
      }),
    );
    await awaitEndpoint(dispatcher, healthyId, 1);
    const requestsBefore = receiver.on(`/${endpointId}`).length;
    await kafka.publishEvent();
    await kafka.waitForDeliveries(healthyId, 1);
    expect(receiver.on(`/${endpointId}`)).toHaveLength(requestsBefore);
  });
});
