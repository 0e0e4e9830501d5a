import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { webhookEndpointV1 } from './webhook-endpoint.event';
import golden from './webhook-endpoint.golden.json';
import { WebhookEndpointPayload, webhookSecretAad } from './webhook-endpoint.payload';

describeGoldenSample(webhookEndpointV1, golden);

describe(WebhookEndpointPayload.name, () => {
  it('requires at least one secret and one event type', () => {
    expect(validatePayload(WebhookEndpointPayload, { ...golden.value, secrets: [], eventTypes: [] })).toEqual(
      { ok: false, errors: ['eventTypes: arrayNotEmpty', 'secrets: arrayMinSize'] },
    );
  });

  it('refuses a secret in clear text', () => {
    const [current] = golden.value.secrets;
    expect(
      validatePayload(WebhookEndpointPayload, {
        ...golden.value,
        secrets: [{ ...current, sealed: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
      }),
    ).toEqual({ ok: false, errors: ['secrets[0].sealed: matches'] });
  });

  it('accepts a disabled endpoint with its reason, and rejects an unknown reason', () => {
    expect(
      validatePayload(WebhookEndpointPayload, { ...golden.value, active: false, disabledReason: 'gone' }),
    ).toMatchObject({ ok: true });
    expect(
      validatePayload(WebhookEndpointPayload, { ...golden.value, active: false, disabledReason: 'bored' }),
    ).toEqual({ ok: false, errors: ['disabledReason: isIn'] });
  });

  it('binds sealed secrets to their endpoint', () => {
    expect(webhookSecretAad('ep-1')).toBe('webhook-endpoint:ep-1');
  });
});
