import type { FhirResource } from '@meridian/fhir';
import { businessIdentifier, pulledBundle, pulledEventId, pulledKey } from './pulled-bundle';

const patient = (versionId: string, identifier?: object[]): FhirResource => ({
  resourceType: 'Patient',
  id: 'p1',
  meta: { versionId, lastUpdated: '2026-01-01T10:00:00.000+00:00' },
  ...(identifier ? { identifier } : {}),
});

describe(businessIdentifier.name, () => {
  it('takes the first identifier with both a system and a value', () => {
    const resource = patient('1', [{ value: 'no-system' }, { system: 'urn:oid:1.2.3', value: 'MRN-1' }]);
    expect(businessIdentifier(resource)).toEqual({ system: 'urn:oid:1.2.3', value: 'MRN-1' });
  });

  it('finds none without identifiers or with only partial ones', () => {
    expect(businessIdentifier(patient('1'))).toBeUndefined();
    expect(
      businessIdentifier(patient('1', [{ system: 'urn:x', value: '' }, { value: 'v' }])),
    ).toBeUndefined();
  });
});

describe(pulledBundle.name, () => {
  it('is a one-entry transaction updating by the identifier, the token escaped, the resource kept', () => {
    const resource = patient('2', [{ system: 'urn:oid:1.2.3', value: 'A|B,C' }]);
    const bundle = pulledBundle(resource, { system: 'urn:oid:1.2.3', value: 'A|B,C' });
    expect(bundle).toMatchObject({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource, request: { method: 'PUT', url: 'Patient?identifier=urn:oid:1.2.3|A%5C%7CB%5C%2CC' } },
      ],
    });
    expect(bundle.entry[0].fullUrl).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
  });

  it('keys by integration and identifier', () => {
    expect(pulledKey('int-1', { system: 'urn:x', value: 'v' })).toBe('int-1|urn:x|v');
  });
});

describe(pulledEventId.name, () => {
  it('is the same for the same version of the same resource and integration, and differs otherwise', () => {
    const id = pulledEventId('int-1', patient('1'));
    expect(pulledEventId('int-1', patient('1'))).toBe(id);
    expect(pulledEventId('int-1', patient('2'))).not.toBe(id);
    expect(pulledEventId('int-2', patient('1'))).not.toBe(id);
  });
});
