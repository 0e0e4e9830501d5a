import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { webhookRequestedV1 } from './webhook-requested.event';
import golden from './webhook-requested.golden.json';
import { WebhookRequestedPayload } from './webhook-requested.payload';

describeGoldenSample(webhookRequestedV1, golden);

describe(WebhookRequestedPayload.name, () => {
  it('requires a Standard Webhooks message id (msg_...)', () => {
    expect(
      validatePayload(WebhookRequestedPayload, { ...golden.value, webhookId: '2mHcT0bQk4yQx7Zr' }),
    ).toEqual({
      ok: false,
      errors: ['webhookId: matches'],
    });
  });

  it('requires data to be an object', () => {
    expect(validatePayload(WebhookRequestedPayload, { ...golden.value, data: 'Patient/48213' })).toEqual({
      ok: false,
      errors: ['data: isObject'],
    });
  });
});
