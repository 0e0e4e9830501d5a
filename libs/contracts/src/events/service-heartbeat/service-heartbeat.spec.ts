import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { serviceHeartbeatV1 } from './service-heartbeat.event';
import golden from './service-heartbeat.golden.json';
import { ServiceHeartbeatPayload } from './service-heartbeat.payload';

describeGoldenSample(serviceHeartbeatV1, golden);

describe(ServiceHeartbeatPayload.name, () => {
  it('accepts only platform service names and known statuses', () => {
    expect(
      validatePayload(ServiceHeartbeatPayload, { ...golden.value, service: 'billing', status: 'up' }),
    ).toEqual({
      ok: false,
      errors: ['service: isIn', 'status: isIn'],
    });
  });

  it('does not require the interval', () => {
    const { intervalMs: _none, ...rest } = golden.value;
    expect(validatePayload(ServiceHeartbeatPayload, rest)).toMatchObject({ ok: true });
  });
});
