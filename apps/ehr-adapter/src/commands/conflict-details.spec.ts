import type { FhirBundlePayload } from '@meridian/contracts';
import { FhirOperationError, type FhirResource } from '@meridian/fhir';
import { conflictingResources, versionedTargets } from './conflict-details';

const bundle = (entries: object[]): FhirBundlePayload =>
  ({ resourceType: 'Bundle', type: 'transaction', entry: entries }) as FhirBundlePayload;

const versioned = bundle([
  {
    resource: { resourceType: 'Patient', id: 'p1' },
    request: { method: 'PUT', url: 'Patient/p1', ifMatch: 'W/"2"' },
  },
  {
    resource: { resourceType: 'Encounter', id: 'e1' },
    request: { method: 'PUT', url: 'http://ehr.example/fhir/Encounter/e1', ifMatch: '"5"' },
  },
  {
    resource: { resourceType: 'Observation' },
    request: { method: 'PUT', url: 'Observation?identifier=a|b' },
  },
]);

describe(versionedTargets.name, () => {
  it('names each entry with an If-Match by its request URL, with the version it expected', () => {
    expect(versionedTargets(versioned)).toEqual([
      { type: 'Patient', id: 'p1', expectedVersion: '2' },
      { type: 'Encounter', id: 'e1', expectedVersion: '5' },
    ]);
  });

  it('falls back to the resource’s type and id for a conditional URL, and skips what it cannot name', () => {
    const targets = versionedTargets(
      bundle([
        {
          resource: { resourceType: 'Patient', id: 'p9' },
          request: { method: 'PUT', url: 'Patient?identifier=a|b', ifMatch: 'W/"1"' },
        },
        {
          resource: { resourceType: 'Patient' },
          request: { method: 'PUT', url: 'Patient', ifMatch: 'W/"1"' },
        },
        {
          resource: { resourceType: 'Patient', id: 'p8' },
          request: { method: 'PUT', url: 'Patient/p8', ifMatch: '' },
        },
      ]),
    );
    expect(targets).toEqual([{ type: 'Patient', id: 'p9', expectedVersion: '1' }]);
  });
});

describe(conflictingResources.name, () => {
  const server: Record<string, FhirResource> = {
    'Patient/p1': { resourceType: 'Patient', id: 'p1', meta: { versionId: '3' } },
    'Encounter/e1': { resourceType: 'Encounter', id: 'e1', meta: { versionId: '5' } },
  };
  const read = async (type: string, id: string): Promise<FhirResource> => {
    const found = server[`${type}/${id}`];
    if (found === undefined) {
      throw new FhirOperationError({
        kind: 'rejected',
        status: 410,
        operation: `read ${type}`,
        integrationId: 'i',
      });
    }
    return found;
  };

  it('reports the resources whose version moved on, with the server’s resource, and not the others', async () => {
    expect(await conflictingResources(versioned, read)).toEqual([
      { reference: 'Patient/p1', expectedVersion: '2', currentVersion: '3', resource: server['Patient/p1'] },
    ]);
  });

  it('reports a resource that is gone without a current version', async () => {
    const gone = bundle([
      {
        resource: { resourceType: 'Patient', id: 'p7' },
        request: { method: 'PUT', url: 'Patient/p7', ifMatch: 'W/"1"' },
      },
    ]);
    expect(await conflictingResources(gone, read)).toEqual([
      { reference: 'Patient/p7', expectedVersion: '1' },
    ]);
  });

  it('is undefined when no entry had an If-Match, and lets other read failures through', async () => {
    expect(
      await conflictingResources(bundle([{ request: { method: 'DELETE', url: 'Patient/p1' } }]), read),
    ).toBe(undefined);
    const failing = async (): Promise<FhirResource> => {
      throw new FhirOperationError({
        kind: 'server-error',
        status: 503,
        operation: 'read Patient',
        integrationId: 'i',
      });
    };
    await expect(conflictingResources(versioned, failing)).rejects.toMatchObject({ kind: 'server-error' });
  });
});
