import type { FhirResource } from '@meridian/contracts';
import { applyResolution, decide, differingElements, threeWayMerge } from './conflict-resolution';

const base: FhirResource = {
  resourceType: 'Patient',
  id: '7',
  identifier: [{ system: 'urn:mrn', value: 'M1' }],
  name: [{ family: 'Everyman', given: ['Adam'] }],
  gender: 'male',
  birthDate: '1980-01-01',
};
/** Our source moved the patient; the EHR's user fixed the phone number. */
const local: FhirResource = { ...base, address: [{ city: 'Springfield' }] };
const external: FhirResource = {
  ...base,
  meta: { versionId: '3', lastUpdated: '2026-11-25T10:00:00Z' },
  telecom: [{ system: 'phone', value: '555-0100' }],
};

describe('differingElements', () => {
  it('names the content elements that differ, ignoring id, meta and key order', () => {
    const reordered: FhirResource = { gender: 'male', ...external, id: 'other' };
    expect(differingElements(local, reordered)).toEqual(['address', 'telecom']);
    expect(differingElements(base, { ...base, meta: { versionId: '9' } })).toEqual([]);
  });
});

describe('decide', () => {
  it('source_wins writes our version, dest_wins keeps theirs', () => {
    expect(decide('source_wins', { local, external, base })).toMatchObject({
      kind: 'write',
      resource: local,
    });
    expect(decide('dest_wins', { local, external, base })).toMatchObject({
      kind: 'write',
      resource: external,
    });
  });

  it('newest_wins compares the source time with meta.lastUpdated', () => {
    const later = decide('newest_wins', { local, external, localTime: '2026-11-25T10:00:01Z' });
    const earlier = decide('newest_wins', { local, external, localTime: '2026-11-25T09:59:59Z' });
    expect(later).toMatchObject({ kind: 'write', action: 'newest_wins', resource: local });
    expect(earlier).toMatchObject({ kind: 'write', action: 'newest_wins', resource: external });
  });

  it('newest_wins lets an external version without a time lose, and a local one without a time lose', () => {
    const timeless: FhirResource = { ...external, meta: {} };
    expect(decide('newest_wins', { local, external: timeless })).toMatchObject({ resource: local });
    expect(decide('newest_wins', { local, external })).toMatchObject({ resource: external });
  });

  it('merge combines changes to different elements', () => {
    const decision = decide('merge', { local, external, base });
    expect(decision).toEqual({
      kind: 'write',
      action: 'merge',
      fields: ['address', 'telecom'],
      resource: { ...base, meta: external.meta, address: local.address, telecom: external.telecom },
    });
  });

  it('merge holds changes both sides made to the same element', () => {
    const renamed: FhirResource = { ...external, gender: 'other' };
    const ours: FhirResource = { ...local, gender: 'unknown' };
    expect(decide('merge', { local: ours, external: renamed, base })).toEqual({
      kind: 'hold',
      reason: 'overlapping-changes',
      fields: ['gender'],
    });
  });

  it('merge without a base cannot tell who changed what, so every difference overlaps', () => {
    expect(decide('merge', { local, external })).toMatchObject({
      kind: 'hold',
      fields: ['address', 'telecom'],
    });
  });

  it('manual holds with the differing elements', () => {
    expect(decide('manual', { local, external, base })).toEqual({
      kind: 'hold',
      reason: 'manual',
      fields: ['address', 'telecom'],
    });
  });
});

describe('threeWayMerge', () => {
  it('drops an element one side removed', () => {
    const withoutBirthDate: FhirResource = { ...external };
    delete withoutBirthDate.birthDate;
    const { resource, overlapping } = threeWayMerge({ local, external: withoutBirthDate, base });
    expect(overlapping).toEqual([]);
    expect(resource).not.toHaveProperty('birthDate');
  });
});

describe('applyResolution', () => {
  const sides = { local, external, base };

  it('use_local and use_external take one side whole', () => {
    expect(applyResolution(sides, { action: 'use_local' })).toBe(local);
    expect(applyResolution(sides, { action: 'use_external' })).toBe(external);
  });

  it('merge takes the named side for named elements and merges the rest', () => {
    const resource = applyResolution(sides, { action: 'merge', fields: { address: 'external' } });
    expect(resource).not.toHaveProperty('address');
    expect(resource.telecom).toEqual(external.telecom);
  });

  it('merge refuses to choose bookkeeping elements', () => {
    expect(() => applyResolution(sides, { action: 'merge', fields: { meta: 'local' } })).toThrow(
      'merge cannot choose "meta": it is not content',
    );
  });

  it('manual writes the given resource, which must be of the same type', () => {
    const data = { resourceType: 'Patient', gender: 'female' };
    expect(applyResolution(sides, { action: 'manual', data })).toBe(data);
    expect(() => applyResolution(sides, { action: 'manual', data: { resourceType: 'Encounter' } })).toThrow(
      'manual data must be a Patient resource',
    );
  });
});
