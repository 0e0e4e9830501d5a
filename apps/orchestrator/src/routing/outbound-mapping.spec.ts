import type { FhirBundlePayload, IntegrationConfigPayload } from '@meridian/contracts';
import { PermanentError } from '@meridian/kafka';
import { OutboundMapping, overlay } from './outbound-mapping';

const target = (outbound?: Record<string, unknown>, version = 1) =>
  ({
    integrationId: 'ehr-1',
    version,
    ...(outbound === undefined ? {} : { dataMapping: { outbound } }),
  }) as IntegrationConfigPayload;

const bundle: FhirBundlePayload = {
  resourceType: 'Bundle',
  type: 'transaction',
  entry: [
    {
      resource: {
        resourceType: 'Patient',
        name: [{ family: 'Everyman', given: ['Adam'] }],
        gender: 'male',
      },
      request: { method: 'PUT', url: 'Patient?identifier=urn:mrn|1' },
    },
    {
      resource: { resourceType: 'Encounter', status: 'in-progress' },
      request: { method: 'PUT', url: 'Encounter?identifier=urn:v|1' },
    },
  ],
};

describe('overlay', () => {
  it('merges objects per key and arrays per index, replacing everything else', () => {
    expect(overlay({ a: 1, b: [{ x: 1, y: 2 }, { x: 3 }], c: 'keep' }, { a: 2, b: [{ y: 9 }] })).toEqual({
      a: 2,
      b: [{ x: 1, y: 9 }, { x: 3 }],
      c: 'keep',
    });
  });
});

describe('OutboundMapping', () => {
  const mapping = new OutboundMapping();

  it('leaves a bundle alone when the integration has no outbound mapping', async () => {
    expect(await mapping.apply(target(), bundle)).toBe(bundle);
  });

  it('lays the mapping’s output over each resource and keeps the rest', async () => {
    const mapped = await mapping.apply(
      target({ fields: [{ source: 'name[0].family', target: 'name[0].family', transform: 'uppercase' }] }),
      bundle,
    );
    expect(mapped.entry[0].resource).toEqual({
      resourceType: 'Patient',
      name: [{ family: 'EVERYMAN', given: ['Adam'] }],
      gender: 'male',
    });
    // The Encounter has no name: nothing mapped, nothing changed.
    expect(mapped.entry[1]).toEqual(bundle.entry[1]);
    expect(bundle.entry[0].resource?.name).toEqual([{ family: 'Everyman', given: ['Adam'] }]);
  });

  it('fails the command permanently, naming the rule but no value, when the mapping refuses a resource', async () => {
    const strict = target({ fields: [{ source: 'birthDate', target: 'birthDate', required: true }] }, 2);
    const failure = mapping.apply(strict, bundle);
    await expect(failure).rejects.toThrow(PermanentError);
    await expect(failure).rejects.toThrow(/entry 0 \(Patient\): fields\[0\] → birthDate: required/);
  });
});
