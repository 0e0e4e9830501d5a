import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { integrationLifecycleV1 } from './integration-lifecycle.event';
import golden from './integration-lifecycle.golden.json';
import { IntegrationLifecyclePayload } from './integration-lifecycle.payload';

describeGoldenSample(integrationLifecycleV1, golden);

describe(IntegrationLifecyclePayload.name, () => {
  const valid = golden.value;

  it('accepts a failure with its error summary', () => {
    const failed = {
      ...valid,
      status: 'failed',
      error: { class: 'TimeoutError', message: 'FHIR server timed out' },
    };
    expect(validatePayload(IntegrationLifecyclePayload, failed)).toMatchObject({ ok: true });
  });

  it('rejects an unknown status, a zero attempt and a negative duration', () => {
    expect(
      validatePayload(IntegrationLifecyclePayload, { ...valid, status: 'done', attempt: 0, durationMs: -1 }),
    ).toEqual({ ok: false, errors: ['status: isIn', 'attempt: min', 'durationMs: min'] });
  });

  it('rejects an error summary without a class', () => {
    expect(validatePayload(IntegrationLifecyclePayload, { ...valid, error: { message: 'x' } })).toEqual({
      ok: false,
      errors: ['error.class: isNotEmpty', 'error.class: isString'],
    });
  });
});
