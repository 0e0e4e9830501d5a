import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { WEBHOOK_DATA_MAX_BYTES } from './webhook-data';
import { webhookRequestedV1 } from './webhook-requested.event';
import golden from './webhook-requested.golden.json';
import { WebhookRequestedPayload } from './webhook-requested.payload';

describeGoldenSample(webhookRequestedV1, golden);

describe(WebhookRequestedPayload.name, () => {
  it('accepts a platform event about no integration', () => {
    const { integrationId: _none, ...platformWide } = golden.value;
    expect(validatePayload(WebhookRequestedPayload, platformWide)).toMatchObject({ ok: true });
  });

  it('requires an event id', () => {
    const { eventId: _none, ...anonymous } = golden.value;
    expect(validatePayload(WebhookRequestedPayload, anonymous)).toEqual({
      ok: false,
      errors: expect.arrayContaining(['eventId: isString']),
    });
  });

  it('requires data to be an object of at most 20 KB as JSON', () => {
    expect(validatePayload(WebhookRequestedPayload, { ...golden.value, data: 'Patient/48213' })).toEqual({
      ok: false,
      errors: ['data: isWebhookData'],
    });
    expect(validatePayload(WebhookRequestedPayload, { ...golden.value, data: ['Patient/48213'] })).toEqual({
      ok: false,
      errors: ['data: isWebhookData'],
    });
    const fits = { note: 'x'.repeat(WEBHOOK_DATA_MAX_BYTES - '{"note":""}'.length) };
    expect(validatePayload(WebhookRequestedPayload, { ...golden.value, data: fits })).toMatchObject({
      ok: true,
    });
    const tooBig = { note: `${fits.note}x` };
    expect(validatePayload(WebhookRequestedPayload, { ...golden.value, data: tooBig })).toEqual({
      ok: false,
      errors: ['data: isWebhookData'],
    });
  });
});
