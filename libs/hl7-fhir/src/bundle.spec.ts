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
