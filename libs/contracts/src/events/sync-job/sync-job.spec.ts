import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { syncJobV1 } from './sync-job.event';
import golden from './sync-job.golden.json';
import { SyncJobPayload } from './sync-job.payload';

describeGoldenSample(syncJobV1, golden);

describe(SyncJobPayload.name, () => {
  const valid = golden.value;

  it('accepts a queued job with zero counters and no since or watermark', () => {
    const { since: _s, watermark: _w, ...rest } = valid;
    const queued = {
      ...rest,
      status: 'queued',
      counters: { fetched: 0, published: 0, skipped: 0 },
      sequence: 1,
    };
    expect(validatePayload(SyncJobPayload, queued)).toMatchObject({ ok: true });
  });

  it('accepts a failed job with its error summary', () => {
    const failed = { ...valid, status: 'failed', error: { class: 'CircuitOpen', message: 'breaker open' } };
    expect(validatePayload(SyncJobPayload, failed)).toMatchObject({ ok: true });
  });

  it('rejects an unknown trigger and status, missing counters and a zero sequence', () => {
    const { counters: _none, ...rest } = valid;
    expect(
      validatePayload(SyncJobPayload, { ...rest, trigger: 'cron', status: 'done', sequence: 0 }),
    ).toEqual({
      ok: false,
      errors: ['trigger: isIn', 'status: isIn', 'counters: isObject', 'sequence: min'],
    });
  });
});
