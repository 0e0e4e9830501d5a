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

  it('accepts a conflict listing the current version of each conflicting resource', () => {
    const conflict = {
      ...golden.value,
      outcome: 'failed',
      statusCode: 412,
      error: { class: 'conflict', message: 'version conflict', retryable: false },
      conflicts: [
        {
          reference: 'Patient/48213',
          expectedVersion: '2',
          currentVersion: '3',
          resource: { resourceType: 'Patient', id: '48213', meta: { versionId: '3' } },
        },
      ],
    };
    expect(validatePayload(CommandResultPayload, conflict)).toMatchObject({ ok: true });
  });

  it('rejects a conflict whose reference is not Type/id', () => {
    expect(
      validatePayload(CommandResultPayload, {
        ...golden.value,
        conflicts: [{ reference: 'Patient?identifier=x|1', resource: 'no' }],
      }),
    ).toEqual({ ok: false, errors: ['conflicts[0].reference: matches', 'conflicts[0].resource: isObject'] });
  });

  it('accepts a pull result with counters and a watermark, and rejects negative counts and a bad time', () => {
    const { references: _none, ...rest } = golden.value;
    const pulled = {
      ...rest,
      jobId: 'job-1',
      counters: { fetched: 3, published: 2, skipped: 1 },
      watermark: '2025-01-14T08:30:00.000Z',
    };
    expect(validatePayload(CommandResultPayload, pulled)).toMatchObject({ ok: true });
    expect(
      validatePayload(CommandResultPayload, {
        ...pulled,
        counters: { fetched: -1, published: 0 },
        watermark: '2025-02-30T00:00:00Z',
      }),
    ).toEqual({
      ok: false,
      errors: [
        'counters.fetched: min',
        'counters.skipped: min',
        'counters.skipped: isInt',
        'watermark: isRfc3339',
      ],
    });
  });
});
