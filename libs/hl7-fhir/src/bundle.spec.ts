import { BundleBuilder, identifierQuery, prune } from './bundle';

describe('bundle entries', () => {
  it('writes conditional updates on the business identifier, escaping search syntax', () => {
    expect(identifierQuery({ system: 'urn:meridian:id:MRN', value: '12345' })).toBe(
      'identifier=urn:meridian:id:MRN|12345',
    );
    expect(identifierQuery({ system: 'urn:meridian:id:Priority%20Health', value: 'A|B,C$D\\E F' })).toBe(
      'identifier=urn:meridian:id:Priority%2520Health|A%5C%7CB%5C%2CC%5C%24D%5C%5CE%20F',
    );
    expect(identifierQuery({ value: '1' })).toBeUndefined();
  });

  it('keeps one entry per resource, PUT by id without identifier, POST ifNoneExist for create-if-missing', () => {
    const b = new BundleBuilder('FAC');
    const identifier = { system: 'urn:x', value: '1' };
    const first = b.add(
      { resourceType: 'Practitioner', identifier: [identifier] },
      { identifier, mode: 'create-if-missing' },
    );
    const again = b.add(
      { resourceType: 'Practitioner', name: [{ family: 'X' }] },
      { identifier, mode: 'create-if-missing' },
    );
    const location = b.add({ resourceType: 'Location', name: 'ICU' }, { key: 'ICU' });
    expect(again).toEqual(first);
    expect(b.reference('Location', { key: 'ICU' })).toEqual(location);
    const bundle = b.build('b', undefined);
    expect(bundle.entry).toHaveLength(2);
    const [loc, prac] = [bundle.entry?.[1], bundle.entry?.[0]];
    expect(prac?.request).toEqual({ method: 'POST', url: 'Practitioner', ifNoneExist: 'identifier=urn:x|1' });
    expect(prac?.resource?.id).toBeUndefined();
    expect(loc?.request?.url).toBe(`Location/${loc?.resource?.id}`);
    expect(loc?.fullUrl).toBe(`urn:uuid:${loc?.resource?.id}`);
  });

  it('matches on several identifiers together when one alone does not identify the resource', () => {
    const pair = [
      { system: 'urn:x', value: 'P-1' },
      { system: 'urn:y', value: 'F 1' },
    ];
    expect(identifierQuery(pair)).toBe('identifier=urn:x|P-1&identifier=urn:y|F%201');
    expect(identifierQuery([pair[0], { value: 'no-system' }])).toBeUndefined();
    const b = new BundleBuilder('FAC');
    const first = b.add({ resourceType: 'Specimen', identifier: pair }, { identifier: pair });
    const other = b.add(
      { resourceType: 'Specimen', identifier: [pair[0], { system: 'urn:y', value: 'F-2' }] },
      { identifier: [pair[0], { system: 'urn:y', value: 'F-2' }] },
    );
    expect(other).not.toEqual(first);
    expect(b.add({ resourceType: 'Specimen' }, { identifier: pair })).toEqual(first);
    // One identifier keys as before (ids of earlier messages are unchanged).
    expect(b.reference('Specimen', { identifier: [pair[0]] })).toEqual(
      b.reference('Specimen', { identifier: pair[0] }),
    );
    expect(b.build('b', undefined).entry?.[0].request).toEqual({
      method: 'PUT',
      url: 'Specimen?identifier=urn:x|P-1&identifier=urn:y|F%201',
    });
  });

  it('orders entries for a reader: patient, visit, the subject, what hangs off it, what it points at, provenance', () => {
    const b = new BundleBuilder('FAC');
    const types = [
      'Provenance',
      'Medication',
      'Specimen',
      'Procedure',
      'Practitioner',
      'MedicationDispense',
      'Observation',
      'Immunization',
      'MedicationRequest',
      'Encounter',
      'Patient',
    ] as const;
    for (const resourceType of types) {
      b.add({ resourceType, id: resourceType } as fhir4.FhirResource, { key: resourceType });
    }
    expect(b.build('b', undefined).entry?.map((e) => e.resource?.resourceType)).toEqual([
      'Patient',
      'Encounter',
      // The message's subjects (a dispense, an immunization, a medication request), in the order added.
      'MedicationDispense',
      'Immunization',
      'MedicationRequest',
      'Specimen',
      'Procedure',
      'Observation',
      'Medication',
      'Practitioner',
      'Provenance',
    ]);
  });

  it('prunes empty values', () => {
    expect(
      prune({ a: '', b: [], c: {}, d: [undefined, { e: undefined }], f: 0, g: false, h: ['x'] }),
    ).toEqual({
      f: 0,
      g: false,
      h: ['x'],
    });
  });
});
