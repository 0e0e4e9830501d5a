import type { SyncResolution } from '@meridian/contracts';
import { resolutionProblems } from './resolution-rules';

const resolution = (value: Partial<SyncResolution>) => value as SyncResolution;

describe('resolutionProblems', () => {
  it('accepts what the orchestrator applies', () => {
    expect(resolutionProblems('Patient', resolution({ action: 'use_local' }))).toEqual([]);
    expect(resolutionProblems('Patient', resolution({ action: 'use_external' }))).toEqual([]);
    expect(
      resolutionProblems(
        'Patient',
        resolution({ action: 'merge', fields: { telecom: 'external', name: 'local' } }),
      ),
    ).toEqual([]);
    expect(
      resolutionProblems('Patient', resolution({ action: 'manual', data: { resourceType: 'Patient' } })),
    ).toEqual([]);
  });

  it('names every bookkeeping element a merge tries to choose', () => {
    expect(
      resolutionProblems(
        'Patient',
        resolution({ action: 'merge', fields: { id: 'local', telecom: 'external', meta: 'external' } }),
      ),
    ).toEqual([
      'fields.id: a merge cannot choose resourceType, id, meta, text (not content)',
      'fields.meta: a merge cannot choose resourceType, id, meta, text (not content)',
    ]);
    expect(
      resolutionProblems(
        'Patient',
        resolution({ action: 'merge', fields: { resourceType: 'external', text: 'local' } }),
      ),
    ).toHaveLength(2);
  });

  it('refuses manual data of another resource type, or without one, without echoing it', () => {
    const other = resolutionProblems(
      'Patient',
      resolution({ action: 'manual', data: { resourceType: 'Observation', status: 'final' } }),
    );
    expect(other).toEqual(["data.resourceType: must be Patient, the conflict's entity type"]);
    expect(other.join()).not.toContain('Observation');
    expect(
      resolutionProblems('Patient', resolution({ action: 'manual', data: { name: [{ family: 'X' }] } })),
    ).toEqual(["data.resourceType: must be Patient, the conflict's entity type"]);
  });
});
