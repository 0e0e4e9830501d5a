import { validateFhirResource } from '@meridian/fhir';
import { convertHl7ToFhir } from './convert';
import { convertText, er7, parse, seg } from './test-support';

const MSH = 'MSH|^~\\&|CPOE|HOSP|LIS|LAB|202405061230||OML^O21^OML_O21|OML-1|P|2.5.1';
const PID = seg('PID', { 1: '1', 3: 'MRN-7^^^HOSP^MR', 5: 'DOE^JANE', 7: '19800101', 8: 'F' });
const PV1 = seg('PV1', { 1: '1', 2: 'O', 3: 'CLINIC^^^HOSP', 19: 'V-78^^^HOSP^VN' });
const GLUCOSE = [
  seg('ORC', {
    1: 'NW',
    2: 'PLC-9^CPOE',
    4: 'GRP-1^CPOE',
    9: '202405061230',
    12: '1234^WELBY^MARCUS^^^^^^NPI^L^^^NPI',
  }),
  seg('OBR', {
    1: '1',
    2: 'PLC-9^CPOE',
    4: '2345-7^Glucose [Mass/volume] in Serum or Plasma^LN',
    7: '202405061200',
  }),
  'NTE|1||Fasting',
  seg('SPM', {
    1: '1',
    2: 'SPC-1&CPOE^FSPC-1&LAB',
    4: '119297000^Blood specimen^SCT',
    17: '202405061200',
    18: '202405061215',
  }),
];
const HEMOGLOBIN = [
  seg('ORC', { 1: 'NW', 2: 'PLC-10^CPOE' }),
  seg('OBR', { 1: '2', 2: 'PLC-10^CPOE', 4: '718-7^Hemoglobin^LN' }),
  seg('SPM', { 1: '1', 2: 'SPC-2&CPOE', 4: '119297000^Blood specimen^SCT', 17: '202405061200' }),
  seg('SPM', { 1: '2', 2: 'SPC-3&CPOE', 4: '122575003^Urine specimen^SCT' }),
  'SAC|||CONT-1',
];

describe('OML^O21 → ServiceRequest + Specimen', () => {
  const c = convertText(er7(MSH, PID, PV1, ...GLUCOSE, ...HEMOGLOBIN));
  const [glucose, hemoglobin] = c.all('ServiceRequest');

  it('one ServiceRequest per ORC/OBR, as ORM^O01 writes it', () => {
    expect(c.all('ServiceRequest')).toHaveLength(2);
    expect(glucose.code?.coding?.[0]).toMatchObject({ system: 'http://loinc.org', code: '2345-7' });
    expect(glucose.status).toBe('active');
    expect(glucose.intent).toBe('order');
    expect(glucose.note).toEqual([{ text: 'Fasting' }]);
    expect(c.entry(glucose).request).toEqual({
      method: 'PUT',
      url: 'ServiceRequest?identifier=urn:meridian:id:CPOE|PLC-9',
    });
    expect(c.resolve(glucose.encounter)).toBe(c.one('Encounter'));
  });

  it('one Specimen per SPM (identifiers SPM-2, type SPM-4, collection SPM-17, received SPM-18)', () => {
    const specimens = c.all('Specimen');
    expect(specimens).toHaveLength(3);
    const first = c.resolve(glucose.specimen?.[0]) as fhir4.Specimen;
    // EIP order: placer-assigned (PLAC), then filler-assigned (FILL); the filler's is the accession.
    expect(first.identifier?.map((i) => [i.value, i.type?.coding?.[0]?.code])).toEqual([
      ['SPC-1', 'PLAC'],
      ['FSPC-1', 'FILL'],
    ]);
    expect(first.accessionIdentifier).toMatchObject({ system: 'urn:meridian:id:LAB', value: 'FSPC-1' });
    expect(first.type?.coding?.[0]).toMatchObject({ system: 'http://snomed.info/sct', code: '119297000' });
    expect(first.collection?.collectedDateTime).toBe('2024-05-06T12:00:00Z');
    expect(first.receivedTime).toBe('2024-05-06T12:15:00Z');
    expect(first.subject?.reference).toBe(glucose.subject.reference);
  });

  it('each ServiceRequest lists the specimens of its order', () => {
    expect(glucose.specimen).toHaveLength(1);
    expect(hemoglobin.specimen?.map((r) => (c.resolve(r) as fhir4.Specimen).identifier?.[0]?.value)).toEqual([
      'SPC-2',
      'SPC-3',
    ]);
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('OBX of an order with one specimen are supporting observations of that specimen', () => {
    const withObx = convertText(
      er7(MSH, PID, ...GLUCOSE, 'OBX|1|NM|14749-6^Glucose fasting^LN||8|h^hours^UCUM|||||F'),
    );
    const request = withObx.one('ServiceRequest');
    const observation = withObx.one('Observation');
    expect(request.supportingInfo?.map((r) => withObx.resolve(r))).toEqual([observation]);
    expect(observation.specimen?.reference).toBe(withObx.entry(withObx.one('Specimen')).fullUrl);
  });

  it('refuses an OML without PID or ORC, naming the segment only', () => {
    expect(convertHl7ToFhir(parse(er7(MSH, ...GLUCOSE)))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_SEGMENT', location: 'PID' },
    });
    const noOrc = convertHl7ToFhir(parse(er7(MSH, PID)));
    expect(noOrc).toMatchObject({ ok: false, error: { code: 'MISSING_SEGMENT', location: 'ORC' } });
    if (!noOrc.ok) expect(noOrc.error.reason).not.toMatch(/DOE|MRN/);
  });
});

describe('OML^O21 specimen identity (SPM-2 EIP read as a whole)', () => {
  // As HAPI's OML_O21 example sends them: each SPM-2 a distinct placer id ^ the same filler id.
  const SPMS = ['1', '2', '3'].map((n) =>
    seg('SPM', { 1: n, 2: `12345678${n}^gastric`, 4: 'SER', 17: `20030906073${n}` }),
  );
  const text = er7(MSH, PID, GLUCOSE[0], GLUCOSE[1], ...SPMS);
  const c = convertText(text);

  it('specimens sharing the filler part but not the placer part stay apart', () => {
    const specimens = c.all('Specimen');
    expect(specimens).toHaveLength(3);
    expect(specimens.map((s) => s.identifier?.[0]?.value)).toEqual(['123456781', '123456782', '123456783']);
    expect(c.one('ServiceRequest').specimen).toHaveLength(3);
    // Each is the specimen holding both numbers: a conditional update on the pair.
    expect(c.entry(specimens[0]).request).toEqual({
      method: 'PUT',
      url: 'Specimen?identifier=urn:meridian:id:HOSP|123456781&identifier=urn:meridian:id:HOSP|gastric',
    });
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('the same message gives the same specimen ids; the same pair in another order is the same specimen', () => {
    expect(convertText(text).bundle).toEqual(c.bundle);
    const again = convertText(er7(MSH, PID, ...HEMOGLOBIN.slice(0, 2), SPMS[1]));
    expect(again.entry(again.one('Specimen')).fullUrl).toBe(c.entry(c.all('Specimen')[1]).fullUrl);
  });

  it('two SPM of one order with the same SPM-2 stay two specimens; one SPM-2 under two orders is one specimen', () => {
    const twice = convertText(
      er7(
        MSH,
        PID,
        ...GLUCOSE.slice(0, 2),
        seg('SPM', { 1: '1', 2: 'S-1^F-1', 4: 'SER' }),
        seg('SPM', { 1: '2', 2: 'S-1^F-1', 4: 'PLAS' }),
        ...HEMOGLOBIN.slice(0, 2),
        seg('SPM', { 1: '1', 2: 'S-1^F-1', 4: 'SER' }),
      ),
    );
    const [glucose, hemoglobin] = twice.all('ServiceRequest');
    expect(twice.all('Specimen').map((s) => s.type?.coding?.[0]?.code)).toEqual(['SER', 'PLAS']);
    expect(glucose.specimen).toHaveLength(2);
    expect(hemoglobin.specimen).toEqual([glucose.specimen?.[0]]);
    expect(twice.warnings).toContainEqual(
      expect.objectContaining({ code: 'UNEXPECTED_REPETITION', location: 'SPM[2]-2' }),
    );
    expect(twice.entry(twice.all('Specimen')[1]).request?.url).toMatch(/^Specimen\/[0-9a-f-]{36}$/);
  });

  it('reads each EI of the pair by its sub-components (entity id & namespace & universal id & type)', () => {
    const one = convertText(
      er7(
        MSH,
        PID,
        ...GLUCOSE.slice(0, 2),
        seg('SPM', { 1: '1', 2: 'S-1&&1.2.840.1&ISO^F-9&LAB', 4: 'SER' }),
      ),
    );
    const specimen = one.one('Specimen');
    expect(specimen.identifier?.map((i) => [i.system, i.value])).toEqual([
      ['urn:oid:1.2.840.1', 'S-1'],
      ['urn:meridian:id:LAB', 'F-9'],
    ]);
  });

  it('a collection end before its start is left out, the start kept, with a warning naming the field only', () => {
    const reversed = convertText(
      er7(
        MSH,
        PID,
        ...GLUCOSE.slice(0, 2),
        seg('SPM', { 1: '1', 2: 'S-1', 4: 'SER', 17: '202405061300^202405061200' }),
      ),
    );
    const specimen = reversed.one('Specimen');
    expect(specimen.collection).toEqual({ collectedDateTime: '2024-05-06T13:00:00Z' });
    const warning = reversed.warnings.find((w) => w.location === 'SPM-17.2');
    expect(warning).toMatchObject({ code: 'INVALID_VALUE' });
    expect(warning?.reason).not.toMatch(/2024|1300|1200/);
    const ordered = convertText(
      er7(
        MSH,
        PID,
        ...GLUCOSE.slice(0, 2),
        seg('SPM', { 1: '1', 2: 'S-1', 4: 'SER', 17: '202405061200^202405061300' }),
      ),
    );
    expect(ordered.one('Specimen').collection?.collectedPeriod).toEqual({
      start: '2024-05-06T12:00:00Z',
      end: '2024-05-06T13:00:00Z',
    });
  });
});

describe('OML^O21 order groups sharing a number', () => {
  // As nHapi's OML_O21 example: three orders, every ORC-2 the same requisition number.
  const orders = [
    seg('ORC', { 1: 'NW', 2: 'REQ-1', 4: 'REQ-1' }),
    seg('OBR', { 1: '1', 2: 'PF-11', 4: '0029-9^ACID FAST BACILLI STAIN^LN' }),
    seg('ORC', { 1: 'NW', 2: 'REQ-1', 4: 'PF-11' }),
    seg('OBR', { 1: '2', 2: 'PF-11', 4: '0004-2^CHEM 12 PROFILE^LN' }),
    seg('ORC', { 1: 'NW', 2: 'REQ-1', 4: 'REQ-1' }),
    seg('OBR', { 1: '3', 2: 'PF-13', 4: '1165-0^ANTI-JO^LN' }),
  ];
  const text = er7(MSH, PID, ...orders);
  const c = convertText(text);
  const requests = c.all('ServiceRequest');

  it('are still separate orders, none losing its test code', () => {
    expect(requests.map((r) => r.code?.coding?.[0]?.code)).toEqual(['0029-9', '0004-2', '1165-0']);
    expect(new Set(requests.map((r) => c.entry(r).fullUrl)).size).toBe(3);
  });

  it('a shared number matches none of them; an order number only one group has still does', () => {
    // REQ-1 (every ORC-2) and PF-11 (two OBR-2) are shared: the first two orders are keyed by position.
    expect(requests[0].identifier).toBeUndefined();
    expect(c.entry(requests[0]).request?.url).toBe(`ServiceRequest/${requests[0].id}`);
    expect(requests[2].identifier).toEqual([
      expect.objectContaining({ system: 'urn:meridian:id:HOSP', value: 'PF-13' }),
    ]);
    expect(c.entry(requests[2]).request?.url).toBe('ServiceRequest?identifier=urn:meridian:id:HOSP|PF-13');
    // The shared placer number still says they were placed together.
    expect(requests.map((r) => r.requisition?.value)).toEqual(['REQ-1', 'PF-11', 'REQ-1']);
    const repeated = c.warnings.filter((w) => w.code === 'UNEXPECTED_REPETITION');
    // Every field holding a shared number is named; PF-13 (only the third OBR-2) is not.
    expect(repeated.map((w) => w.location)).toEqual(['ORC-2', 'OBR-2', 'ORC[2]-2', 'OBR[2]-2', 'ORC[3]-2']);
    expect(repeated.every((w) => !/REQ-1|PF-1/.test(w.reason))).toBe(true);
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('the same message always gives the same ids', () => {
    expect(convertText(text).bundle).toEqual(c.bundle);
  });
});
