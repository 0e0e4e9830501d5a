import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { commandResultV1 } from './command-result.event';
import golden from './command-result.golden.json';
import { CommandResultPayload } from './command-result.payload';

describeGoldenSample(commandResultV1, golden);

describe(CommandResultPayload.name, () => {
  it('accepts a failure with an error summary and no references', () => {
    const { references: _none, ...rest } = golden.value;
    const failed = {
      ...rest,
      outcome: 'failed',
      error: { class: 'CircuitOpen', message: 'breaker open', retryable: true },
    };
    expect(validatePayload(CommandResultPayload, failed)).toMatchObject({ ok: true });
  });

  it('rejects an unknown outcome and an impossible HTTP status', () => {
    expect(
      validatePayload(CommandResultPayload, { ...golden.value, outcome: 'maybe', statusCode: 700 }),
    ).toEqual({
      ok: false,
      errors: ['outcome: isIn', 'statusCode: max'],
    });
  });
});
