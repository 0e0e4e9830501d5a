import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { webhookDeliveryV1 } from './webhook-delivery.event';
import golden from './webhook-delivery.golden.json';
import { WebhookDeliveryPayload } from './webhook-delivery.payload';

describeGoldenSample(webhookDeliveryV1, golden);

describe(WebhookDeliveryPayload.name, () => {
  it('accepts a delivery with no HTTP response (timeout)', () => {
    const { statusCode: _none, ...timedOut } = golden.value;
    expect(validatePayload(WebhookDeliveryPayload, timedOut)).toMatchObject({ ok: true });
  });

  it('rejects an unknown outcome and a malformed next attempt time', () => {
    expect(
      validatePayload(WebhookDeliveryPayload, {
        ...golden.value,
        outcome: 'lost',
        nextAttemptAt: 'in 5 minutes',
      }),
    ).toEqual({ ok: false, errors: ['outcome: isIn', 'nextAttemptAt: isRfc3339'] });
  });

  it('takes the event type and the start of the response body, at most 1 KiB', () => {
    const withBody = { ...golden.value, type: 'patient.admitted', responseBody: 'x'.repeat(1024) };
    expect(validatePayload(WebhookDeliveryPayload, withBody)).toMatchObject({ ok: true });
    expect(validatePayload(WebhookDeliveryPayload, { ...withBody, responseBody: 'x'.repeat(1025) })).toEqual({
      ok: false,
      errors: ['responseBody: maxLength'],
    });
  });
});
