import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { alertV1 } from './alert.event';
import golden from './alert.golden.json';
import { AlertPayload } from './alert.payload';

describeGoldenSample(alertV1, golden);

describe(AlertPayload.name, () => {
  it('accepts a platform-wide alert without an integration id', () => {
    const { integrationId: _none, ...platformWide } = golden.value;
    expect(
      validatePayload(AlertPayload, { ...platformWide, rule: 'service.heartbeat-missing' }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('rejects an unknown severity and an empty message', () => {
    expect(validatePayload(AlertPayload, { ...golden.value, severity: 'page', message: '' })).toEqual({
      ok: false,
      errors: ['severity: isIn', 'message: isNotEmpty'],
    });
  });
});
