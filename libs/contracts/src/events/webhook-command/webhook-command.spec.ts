import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { webhookCommandV1 } from './webhook-command.event';
import golden from './webhook-command.golden.json';
import { WebhookCommandPayload } from './webhook-command.payload';

describeGoldenSample(webhookCommandV1, golden);

describe(WebhookCommandPayload.name, () => {
  const { since: _since, ...base } = golden.value;

  it('requires the message id for a resend, and not a since', () => {
    expect(validatePayload(WebhookCommandPayload, { ...base, command: 'resend' })).toEqual({
      ok: false,
      errors: ['webhookId: matches'],
    });
    expect(
      validatePayload(WebhookCommandPayload, {
        ...base,
        command: 'resend',
        webhookId: 'msg_2mHcT0bQk4yQx7Zr',
      }),
    ).toMatchObject({ ok: true });
  });

  it('requires a since for a recover', () => {
    expect(validatePayload(WebhookCommandPayload, base)).toEqual({
      ok: false,
      errors: ['since: isRfc3339'],
    });
  });

  it('rejects an unknown command', () => {
    expect(validatePayload(WebhookCommandPayload, { ...golden.value, command: 'purge' })).toEqual({
      ok: false,
      errors: ['command: isIn'],
    });
  });
});
