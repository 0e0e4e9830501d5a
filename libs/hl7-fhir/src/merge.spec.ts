import { validateFhirResource } from '@meridian/fhir';
import { convertHl7ToFhir, SUPPORTED_MESSAGE_TYPES } from './convert';
import { convertText, er7, parse, seg } from './test-support';

const MSH = (event: string, sender = 'GHH') =>
  `MSH|^~\\&|ADT1|${sender}|LAB|GHH|202405061230||ADT^${event}^ADT_A39|MSG-${event}|P|2.5.1`;
const EVN = 'EVN|A40|202405061230';
const SURVIVOR = seg('PID', {
  1: '1',
  3: 'MRN-NEW^^^GHH^MR~123-45-6789^^^SSA^SS',
  5: 'EVERYMAN^ADAM',
  7: '19610615',
  8: 'M',
});
const MRG = seg('MRG', { 1: 'MRN-OLD^^^GHH^MR', 7: 'EVERYMAN^ADAM^B' });

const patientByValue = (c: ReturnType<typeof convertText>, value: string) =>
  c.all('Patient').find((p) => p.identifier?.some((i) => i.value === value));

describe('ADT^A40 (merge patient, patient identifier list)', () => {
  const c = convertText(er7(MSH('A40'), EVN, SURVIVOR, MRG));
  const survivor = patientByValue(c, 'MRN-NEW')!;
  const prior = patientByValue(c, 'MRN-OLD')!;

  it('links the surviving Patient (replaces) and the prior one (replaced-by, inactive) in one transaction', () => {
    expect(c.bundle.type).toBe('transaction');
    expect(survivor.link).toEqual([{ other: { reference: c.entry(prior).fullUrl }, type: 'replaces' }]);
    expect(prior.link).toEqual([{ other: { reference: c.entry(survivor).fullUrl }, type: 'replaced-by' }]);
    expect(prior.active).toBe(false);
    expect(prior.name).toEqual([{ family: 'EVERYMAN', given: ['ADAM', 'B'] }]);
    expect(survivor.name?.[0]?.family).toBe('EVERYMAN');
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('writes no Encounter and does not copy the prior identifier onto the survivor (a search by it must match one Patient)', () => {
    expect(c.all('Encounter')).toHaveLength(0);
    expect(survivor.identifier?.map((i) => i.value)).not.toContain('MRN-OLD');
  });

  it('addresses the prior Patient exactly as an earlier ADT for that identifier did', () => {
    const earlier = convertText(
      er7(
        'MSH|^~\\&|ADT1|GHH|LAB|GHH|202301011200||ADT^A01^ADT_A01|MSG-OLD|P|2.5.1',
        seg('PID', { 1: '1', 3: 'MRN-OLD^^^GHH^MR', 5: 'EVERYMAN^ADAM' }),
      ),
    );
    const before = earlier.entry(earlier.one('Patient'));
    expect(c.entry(prior).request).toEqual({
      method: 'PUT',
      url: 'Patient?identifier=urn:meridian:id:GHH|MRN-OLD',
    });
    expect(c.entry(prior).request).toEqual(before.request);
    expect(c.entry(prior).fullUrl).toBe(before.fullUrl);
  });

  it('a prior identifier without any system is written by the same derived id as the Patient an earlier message wrote', () => {
    const noSender = (event: string) => `MSH|^~\\&|||||202405061230||ADT^${event}|M-${event}|P|2.5.1`;
    const earlier = convertText(er7(noSender('A04'), seg('PID', { 3: 'LOCAL-9', 5: 'DOE^JO' })));
    const merged = convertText(
      er7(noSender('A40'), seg('PID', { 3: 'LOCAL-10' }), seg('MRG', { 1: 'LOCAL-9' })),
    );
    const priorEntry = merged.entry(patientByValue(merged, 'LOCAL-9')!);
    expect(priorEntry.request).toEqual(earlier.entry(earlier.one('Patient')).request);
    expect(priorEntry.request?.url).toMatch(/^Patient\/[0-9a-f-]{36}$/);
  });

  it('matches the prior patient on the MRG-1 identifier typed MR, as a PID is matched on PID-3 typed MR', () => {
    const m = convertText(
      er7(MSH('A40'), EVN, SURVIVOR, seg('MRG', { 1: 'X-1^^^OTHER^PI~MRN-OLD^^^GHH^MR', 4: 'ALT-1^^^GHH' })),
    );
    const p = patientByValue(m, 'MRN-OLD')!;
    expect(m.entry(p).request?.url).toBe('Patient?identifier=urn:meridian:id:GHH|MRN-OLD');
    expect(p.identifier?.map((i) => i.value)).toEqual(['X-1', 'MRN-OLD', 'ALT-1']);
  });

  it('several PID/MRG pairs in one message are several merges', () => {
    const m = convertText(
      er7(
        MSH('A40'),
        EVN,
        SURVIVOR,
        MRG,
        seg('PID', { 1: '2', 3: 'MRN-B^^^GHH^MR' }),
        seg('MRG', { 1: 'MRN-A^^^GHH^MR' }),
      ),
    );
    expect(m.all('Patient')).toHaveLength(4);
    const b = patientByValue(m, 'MRN-B')!;
    const a = patientByValue(m, 'MRN-A')!;
    expect(b.link).toEqual([{ other: { reference: m.entry(a).fullUrl }, type: 'replaces' }]);
    expect(a.link?.[0]?.other.reference).toBe(m.entry(b).fullUrl);
    expect(patientByValue(m, 'MRN-NEW')!.link?.[0]?.other.reference).toBe(
      m.entry(patientByValue(m, 'MRN-OLD')!).fullUrl,
    );
    expect(validateFhirResource(m.bundle).valid).toBe(true);
  });

  it('the survivor sent again for a second prior record replaces both (one Patient, two links)', () => {
    const m = convertText(
      er7(
        MSH('A40'),
        EVN,
        SURVIVOR,
        MRG,
        SURVIVOR.replace('PID|1|', 'PID|2|'),
        seg('MRG', { 1: 'MRN-OLDER^^^GHH^MR' }),
      ),
    );
    expect(m.all('Patient')).toHaveLength(3);
    const survivor = patientByValue(m, 'MRN-NEW')!;
    expect(survivor.link).toEqual([
      { other: { reference: m.entry(patientByValue(m, 'MRN-OLD')!).fullUrl }, type: 'replaces' },
      { other: { reference: m.entry(patientByValue(m, 'MRN-OLDER')!).fullUrl }, type: 'replaces' },
    ]);
    expect(patientByValue(m, 'MRN-OLDER')!.link).toEqual([
      { other: { reference: m.entry(survivor).fullUrl }, type: 'replaced-by' },
    ]);
    expect(validateFhirResource(m.bundle).valid).toBe(true);
  });

  it('a merge of the surviving record into itself is not written (warning, no self link)', () => {
    const m = convertText(er7(MSH('A40'), EVN, SURVIVOR, seg('MRG', { 1: 'MRN-NEW^^^GHH^MR' })));
    expect(m.all('Patient')).toHaveLength(1);
    expect(m.one('Patient').link).toBeUndefined();
    expect(m.warnings).toContainEqual(expect.objectContaining({ code: 'INVALID_VALUE', location: 'MRG-1' }));
  });

  it('refuses a merge without PID or MRG, or whose MRG names no identifier, naming the segment only', () => {
    const cases: [string, string, string][] = [
      [er7(MSH('A40'), EVN, MRG), 'MISSING_SEGMENT', 'PID'],
      [er7(MSH('A40'), EVN, SURVIVOR), 'MISSING_SEGMENT', 'MRG'],
      [er7(MSH('A40'), EVN, SURVIVOR, MRG, seg('PID', { 3: 'MRN-C^^^GHH^MR' })), 'MISSING_SEGMENT', 'MRG'],
      [
        er7(MSH('A40'), EVN, SURVIVOR, seg('MRG', { 7: 'EVERYMAN^ADAM' })),
        'MISSING_PATIENT_IDENTIFIER',
        'MRG-1',
      ],
    ];
    for (const [text, code, location] of cases) {
      const result = convertHl7ToFhir(parse(text));
      expect(result).toMatchObject({ ok: false, error: { code, location } });
      if (!result.ok) expect(result.error.reason).not.toMatch(/MRN|EVERYMAN/);
    }
  });
});

describe('SUPPORTED_MESSAGE_TYPES', () => {
  it('lists the merge, immunization, pharmacy and lab order messages', () => {
    expect(SUPPORTED_MESSAGE_TYPES).toEqual(
      expect.arrayContaining(['ADT^A40', 'VXU^V04', 'RDE^O11', 'RDS^O13', 'OML^O21']),
    );
    expect(SUPPORTED_MESSAGE_TYPES).not.toContain('ADT^A34');
  });
});
