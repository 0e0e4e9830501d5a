import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { webhookReceivedV1 } from './webhook-received.event';
import golden from './webhook-received.golden.json';
import { WebhookReceivedPayload } from './webhook-received.payload';

describeGoldenSample(webhookReceivedV1, golden);

describe(WebhookReceivedPayload.name, () => {
  it('rejects a timestamp that is not RFC 3339 (Standard Webhooks bodies sometimes carry unix seconds)', () => {
    expect(validatePayload(WebhookReceivedPayload, { ...golden.value, timestamp: 1736845200 })).toEqual({
      ok: false,
      errors: ['timestamp: isRfc3339'],
    });
  });
});
