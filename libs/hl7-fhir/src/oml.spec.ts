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
    expect(first.identifier?.map((i) => i.value)).toEqual(['FSPC-1', 'SPC-1']);
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
