import type { FhirBundlePayload } from '@meridian/contracts';
import {
  createIfMissing,
  parseReference,
  referencesOf,
  trackedEntries,
  updateIfMatch,
} from './tracked-entries';

const bundle: FhirBundlePayload = {
  resourceType: 'Bundle',
  type: 'transaction',
  entry: [
    {
      fullUrl: 'urn:uuid:org',
      resource: { resourceType: 'Organization', name: 'GH' },
      request: { method: 'POST', url: 'Organization', ifNoneExist: 'identifier=x|y' } as never,
    },
    {
      fullUrl: 'urn:uuid:p',
      resource: { resourceType: 'Patient', identifier: [{ system: 'urn:mrn', value: 'M 1' }] },
      request: { method: 'PUT', url: 'Patient?identifier=urn%3Amrn%7CM%201' },
    },
    {
      fullUrl: 'urn:uuid:e',
      resource: { resourceType: 'Encounter', subject: { reference: 'urn:uuid:p' } },
      request: { method: 'PUT', url: 'Encounter?identifier=urn:visit|V9' },
    },
    {
      resource: { resourceType: 'Provenance' },
      request: { method: 'PUT', url: 'Provenance/abc' },
    },
  ],
};

describe('trackedEntries', () => {
  it('tracks the entries written by business identifier, decoded', () => {
    expect(trackedEntries(bundle)).toEqual([
      { index: 1, entityType: 'Patient', entityId: 'urn:mrn|M 1' },
      { index: 2, entityType: 'Encounter', entityId: 'urn:visit|V9' },
    ]);
  });

  it('ignores a conditional URL whose type is not the resource’s', () => {
    const mismatched: FhirBundlePayload = {
      ...bundle,
      entry: [
        {
          resource: { resourceType: 'Patient' },
          request: { method: 'PUT', url: 'Encounter?identifier=a|b' },
        },
      ],
    };
    expect(trackedEntries(mismatched)).toEqual([]);
  });
});

describe('updateIfMatch', () => {
  it('writes by id with If-Match, keeping the fullUrl and dropping meta', () => {
    const entry = {
      ...bundle.entry[1],
      resource: { ...bundle.entry[1].resource!, meta: { versionId: '1' } },
    };
    expect(updateIfMatch(entry, { externalId: '42', externalVersion: '3' })).toEqual({
      fullUrl: 'urn:uuid:p',
      resource: { resourceType: 'Patient', id: '42', identifier: [{ system: 'urn:mrn', value: 'M 1' }] },
      request: { method: 'PUT', url: 'Patient/42', ifMatch: 'W/"3"' },
    });
  });
});

describe('createIfMissing', () => {
  it('creates the entity only if none has its identifier, keeping the fullUrl', () => {
    const [patient] = trackedEntries(bundle);
    const entry = { ...bundle.entry[1], resource: { ...bundle.entry[1].resource!, id: '7', meta: {} } };
    expect(createIfMissing(entry, patient)).toEqual({
      fullUrl: 'urn:uuid:p',
      resource: { resourceType: 'Patient', identifier: [{ system: 'urn:mrn', value: 'M 1' }] },
      request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn%3Amrn%7CM%201' },
    });
  });
});

describe('referencesOf', () => {
  it('matches references to tracked entries by type and order', () => {
    const found = referencesOf(bundle, trackedEntries(bundle), [
      'Organization/1/_history/1',
      'Patient/42/_history/2',
      'Encounter/43/_history/1',
      'Provenance/abc/_history/1',
    ]);
    expect(found.get(1)).toEqual({ type: 'Patient', id: '42', version: '2' });
    expect(found.get(2)).toEqual({ type: 'Encounter', id: '43', version: '1' });
  });

  it('leaves an entry without a reference out', () => {
    expect(referencesOf(bundle, trackedEntries(bundle), ['Patient/42']).has(2)).toBe(false);
    expect(parseReference('not a reference')).toBeUndefined();
  });
});
