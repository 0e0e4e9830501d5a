import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { webhookDispatchV1 } from './webhook-dispatch.event';
import golden from './webhook-dispatch.golden.json';
import { WebhookDispatchPayload } from './webhook-dispatch.payload';

describeGoldenSample(webhookDispatchV1, golden);

describe(WebhookDispatchPayload.name, () => {
  it('accepts a first attempt with no schedule and no integration', () => {
    const { firstAttemptAt: _first, dueAt: _due, integrationId: _none, ...first } = golden.value;
    expect(validatePayload(WebhookDispatchPayload, { ...first, attempt: 1 })).toMatchObject({ ok: true });
  });

  it('rejects attempt 0, a malformed due time and a webhook id without msg_', () => {
    expect(
      validatePayload(WebhookDispatchPayload, {
        ...golden.value,
        attempt: 0,
        dueAt: 'soon',
        webhookId: '2mHcT0bQk4yQx7Zr',
      }),
    ).toEqual({ ok: false, errors: ['webhookId: matches', 'attempt: min', 'dueAt: isRfc3339'] });
  });
});
