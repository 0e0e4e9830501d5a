import { deterministicId, uuidV5 } from './ids';

describe('deterministic ids', () => {
  it('implements UUID v5 (RFC 9562 test vector)', () => {
    const dns = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
    expect(uuidV5('www.example.com', dns)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('is stable and separates scope, type and key', () => {
    const id = deterministicId('FAC', 'Patient', 'urn:x|1');
    expect(id).toBe(deterministicId('FAC', 'Patient', 'urn:x|1'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicId('FAC', 'Encounter', 'urn:x|1')).not.toBe(id);
    expect(deterministicId('FAC2', 'Patient', 'urn:x|1')).not.toBe(id);
    expect(deterministicId('FA', 'CPatient', 'urn:x|1')).not.toBe(id);
  });
});
