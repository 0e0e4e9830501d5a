import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { syncCommandV1 } from './sync-command.event';
import golden from './sync-command.golden.json';
import { SyncCommandPayload, SyncResolution } from './sync-command.payload';

describeGoldenSample(syncCommandV1, golden);

describe(SyncCommandPayload.name, () => {
  const runJob = {
    commandId: 'c-1',
    command: 'run-job',
    integrationId: 'int-1',
    requestedAt: '2025-01-14T09:00:00Z',
    jobId: 'job-1',
    since: '2025-01-13T00:00:00Z',
  };

  it('accepts a run-job with a job id and an optional since', () => {
    expect(validatePayload(SyncCommandPayload, runJob)).toMatchObject({ ok: true });
  });

  it('requires the job id for run-job and the conflict and resolution for resolve-conflict', () => {
    const { jobId: _none, ...noJob } = runJob;
    expect(validatePayload(SyncCommandPayload, noJob)).toEqual({
      ok: false,
      errors: ['jobId: isNotEmpty', 'jobId: isString'],
    });
    expect(validatePayload(SyncCommandPayload, { ...noJob, command: 'resolve-conflict' })).toEqual({
      ok: false,
      errors: ['conflictId: isNotEmpty', 'conflictId: isString', 'resolution: isObject'],
    });
  });

  it('rejects an unknown command', () => {
    expect(validatePayload(SyncCommandPayload, { ...runJob, command: 'pause' })).toEqual({
      ok: false,
      errors: ['command: isIn'],
    });
  });
});

describe(SyncResolution.name, () => {
  it('accepts use_local and use_external with nothing else', () => {
    expect(validatePayload(SyncResolution, { action: 'use_local' })).toMatchObject({ ok: true });
    expect(validatePayload(SyncResolution, { action: 'use_external', note: 'EHR is right' })).toMatchObject({
      ok: true,
    });
  });

  it('requires field choices for merge, each local or external', () => {
    expect(validatePayload(SyncResolution, { action: 'merge' })).toEqual({
      ok: false,
      errors: ['fields: isFieldChoices'],
    });
    expect(validatePayload(SyncResolution, { action: 'merge', fields: {} })).toEqual({
      ok: false,
      errors: ['fields: isFieldChoices'],
    });
    expect(validatePayload(SyncResolution, { action: 'merge', fields: { name: 'mine' } })).toEqual({
      ok: false,
      errors: ['fields: isFieldChoices'],
    });
  });

  it('requires the resource for manual, and rejects an automatic strategy', () => {
    expect(validatePayload(SyncResolution, { action: 'manual' })).toEqual({
      ok: false,
      errors: ['data: isObject'],
    });
    expect(
      validatePayload(SyncResolution, { action: 'manual', data: { resourceType: 'Patient' } }),
    ).toMatchObject({ ok: true });
    expect(validatePayload(SyncResolution, { action: 'source_wins' })).toEqual({
      ok: false,
      errors: ['action: isIn'],
    });
  });
});
