import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { fhirBundleV1 } from './fhir-bundle.event';
import golden from './fhir-bundle.golden.json';
import { FhirBundlePayload, FhirResource } from './fhir-bundle.payload';

describeGoldenSample(fhirBundleV1, golden);

describe(FhirBundlePayload.name, () => {
  const bundle = (): Record<string, unknown> => structuredClone(golden.value) as Record<string, unknown>;

  it('keeps every FHIR element it does not check', () => {
    const outcome = validatePayload(FhirBundlePayload, bundle());
    if (!outcome.ok) throw new Error(outcome.errors.join('; '));
    const patient = outcome.value.entry[0].resource;
    expect(patient).toBeInstanceOf(FhirResource);
    expect(patient).toMatchObject({ birthDate: '1980-01-01', name: [{ family: 'Doe', given: ['Jane'] }] });
  });

  it('rejects a resource that is not a Bundle', () => {
    expect(validatePayload(FhirBundlePayload, { ...bundle(), resourceType: 'Patient' })).toEqual({
      ok: false,
      errors: ['resourceType: equals'],
    });
  });

  it('rejects an unknown bundle type and an empty or missing entry list', () => {
    expect(validatePayload(FhirBundlePayload, { ...bundle(), type: 'bag' })).toEqual({
      ok: false,
      errors: ['type: isIn'],
    });
    expect(validatePayload(FhirBundlePayload, { ...bundle(), entry: [] })).toEqual({
      ok: false,
      errors: ['entry: arrayNotEmpty'],
    });
    expect(validatePayload(FhirBundlePayload, { resourceType: 'Bundle', type: 'transaction' })).toMatchObject(
      {
        ok: false,
        errors: expect.arrayContaining(['entry: isArray']),
      },
    );
  });

  it('names the path of a nested failure', () => {
    const value = bundle();
    const entries = value.entry as { resource: Record<string, unknown>; request: Record<string, unknown> }[];
    delete entries[0].resource.resourceType;
    entries[1].request.method = 'FETCH';
    expect(validatePayload(FhirBundlePayload, value)).toEqual({
      ok: false,
      errors: expect.arrayContaining([
        'entry[0].resource.resourceType: isNotEmpty',
        'entry[1].request.method: isIn',
      ]),
    });
  });

  it('rejects an entry that is not an object', () => {
    const outcome = validatePayload(FhirBundlePayload, { ...bundle(), entry: ['Patient/1'] });
    expect(outcome.ok).toBe(false);
  });
});
