import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { syncConflictV1 } from './sync-conflict.event';
import golden from './sync-conflict.golden.json';
import { SyncConflictPayload } from './sync-conflict.payload';

describeGoldenSample(syncConflictV1, golden);

describe(SyncConflictPayload.name, () => {
  const { resolution: _none, ...unresolved } = golden.value;
  const open = {
    ...unresolved,
    status: 'open',
    sequence: 1,
    local: { resourceType: 'Patient', id: '48213' },
    external: { resourceType: 'Patient', id: '48213', meta: { versionId: '3' } },
  };

  it('accepts an open conflict with both versions and no resolution', () => {
    expect(validatePayload(SyncConflictPayload, open)).toMatchObject({ ok: true });
  });

  it('accepts an automatic resolution by the orchestrator', () => {
    const resolved = {
      ...unresolved,
      strategy: 'source_wins',
      resolution: { action: 'source_wins', resolvedBy: 'orchestrator', resolvedAt: '2025-01-14T09:00:00Z' },
    };
    expect(validatePayload(SyncConflictPayload, resolved)).toMatchObject({ ok: true });
  });

  it('requires a resolution once resolved, and rejects an unknown strategy and status', () => {
    expect(validatePayload(SyncConflictPayload, unresolved)).toEqual({
      ok: false,
      errors: ['resolution: isObject'],
    });
    expect(
      validatePayload(SyncConflictPayload, { ...open, strategy: 'coin_flip', status: 'closed' }),
    ).toEqual({
      ok: false,
      errors: ['status: isIn', 'strategy: isIn'],
    });
  });

  it('rejects a reference that is not Type/id and a resolution with an unknown action', () => {
    expect(
      validatePayload(SyncConflictPayload, {
        ...golden.value,
        reference: 'Patient?identifier=a|b',
        resolution: { ...golden.value.resolution, action: 'ignore' },
      }),
    ).toEqual({ ok: false, errors: ['reference: matches', 'resolution.action: isIn'] });
  });
});
