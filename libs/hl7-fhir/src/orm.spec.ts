import { validateFhirResource } from '@meridian/fhir';
import { parseHl7 } from '@meridian/hl7';
import { convertHl7ToFhir } from './convert';
import { serviceRequestToOrm, toV2DateTime } from './orm-writer';
import { type Converted, convertText, er7, parse, seg } from './test-support';

const MSH = 'MSH|^~\\&|CPOE|GHH|LAB|ACME LAB|202405061200-0400||ORM^O01^ORM_O01|O-1|P|2.5.1';
const PID = seg('PID', {
  1: '1',
  3: 'MRN77^^^GHH^MR~555-11-2222^^^SSA^SS',
  5: "O'NEIL^SEAN^P~SEANIE^^^^^^N",
  7: '19800229',
  8: 'M',
  11: '1 MAIN ST^^BOSTON^MA^02110^USA^H',
  13: '(617)555-0100^PRN^PH~sean@example.org^NET^Internet',
});
const PV1 = seg('PV1', { 1: '1', 2: 'O', 3: 'CLINIC A^^^GHH', 19: 'V77^^^GHH^VN' });
const ORDER = [
  seg('ORC', {
    1: 'NW',
    2: 'ORD-1^CPOE',
    4: 'GRP-1^CPOE',
    7: '^^^202405071000-0400^^S',
    9: '202405061155-0400',
    12: '1234567893^SMITH^JOHN^Q^JR^DR^MD^^NPI',
  }),
  seg('OBR', {
    1: '1',
    2: 'ORD-1^CPOE',
    4: '24323-8^Comprehensive metabolic panel^LN^CMP^CMP panel^L',
    16: '1234567893^SMITH^JOHN^Q^JR^DR^MD^^NPI',
    31: 'R07.9^Chest pain, unspecified^I10C~Z00.00^Routine exam^I10C',
  }),
  'NTE|1|L|Fasting \\T\\ hydrated',
  'DG1|1||E11.9^Type 2 diabetes^I10C',
  seg('OBX', { 1: '1', 2: 'NM', 3: '8302-2^Body height^LN', 5: '180', 6: 'cm', 11: 'F' }),
];

function orderFacts(c: Converted) {
  const sr = c.one('ServiceRequest');
  const requester = c.resolve(sr.requester) as fhir4.Practitioner | undefined;
  const patient = c.one('Patient');
  return {
    identifiers: sr.identifier?.map((i) => [i.type?.coding?.[0].code, i.system, i.value]),
    requisition: [sr.requisition?.system, sr.requisition?.value],
    status: sr.status,
    intent: sr.intent,
    priority: sr.priority,
    code: sr.code?.coding?.map((x) => [x.system, x.code, x.display]),
    occurrence: sr.occurrenceDateTime && Date.parse(sr.occurrenceDateTime),
    authoredOn: sr.authoredOn && Date.parse(sr.authoredOn),
    requester: [
      requester?.identifier?.[0].system,
      requester?.identifier?.[0].value,
      requester?.name?.[0].family,
      requester?.name?.[0].given,
    ],
    reasons: sr.reasonCode?.map((r) => r.coding?.[0].code),
    notes: sr.note?.map((n) => n.text),
    patient: {
      identifiers: patient.identifier?.map((i) => [i.system, i.value]),
      names: patient.name?.map((n) => [n.use, n.family, n.given]),
      birthDate: patient.birthDate,
      gender: patient.gender,
      address: patient.address,
      telecom: patient.telecom,
    },
  };
}

describe('ORM^O01 → ServiceRequest', () => {
  const c = convertText(er7(MSH, PID, PV1, ...ORDER));
  const sr = c.one('ServiceRequest');

  it('maps ORC/OBR', () => {
    expect(orderFacts(c)).toMatchObject({
      identifiers: [['PLAC', 'urn:meridian:id:CPOE', 'ORD-1']],
      requisition: ['urn:meridian:id:CPOE', 'GRP-1'],
      status: 'active',
      intent: 'order',
      priority: 'stat',
      code: [
        ['http://loinc.org', '24323-8', 'Comprehensive metabolic panel'],
        ['urn:meridian:codesystem:L', 'CMP', 'CMP panel'],
      ],
      requester: ['http://hl7.org/fhir/sid/us-npi', '1234567893', 'SMITH', ['JOHN', 'Q']],
      reasons: ['R07.9', 'Z00.00', 'E11.9'],
      notes: ['Fasting & hydrated'],
    });
    expect(sr.occurrenceDateTime).toBe('2024-05-07T10:00:00-04:00');
    expect(sr.authoredOn).toBe('2024-05-06T11:55:00-04:00');
    expect(c.entry(sr).request?.url).toBe('ServiceRequest?identifier=urn:meridian:id:CPOE|ORD-1');
    expect(c.resolve(sr.encounter)).toBe(c.one('Encounter'));
    expect(c.resolve(sr.supportingInfo?.[0])).toBe(c.one('Observation'));
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('a PV1 with neither visit number nor admit time is the visit of this message only: same message, same Encounter', () => {
    const text = er7(MSH, PID, seg('PV1', { 2: 'O', 7: '99^DOC^A' }), ...ORDER.slice(0, 2));
    const c2 = convertText(text);
    const encounter = c2.one('Encounter');
    expect(c2.resolve(c2.one('ServiceRequest').encounter)).toBe(encounter);
    expect(c2.entry(encounter).request).toEqual({ method: 'PUT', url: `Encounter/${encounter.id}` });
    expect(convertText(text).one('Encounter').id).toBe(encounter.id);
    // Another message cannot be told to be the same visit: it writes its own Encounter.
    const other = convertText(text.replace('|O-1|', '|O-2|'));
    expect(other.one('Encounter').id).not.toBe(encounter.id);
    expect(c2.warnings).not.toContainEqual(
      expect.objectContaining({ code: 'SEGMENT_SKIPPED', location: 'PV1' }),
    );
  });

  it('status from ORC-5, else ORC-1', () => {
    const status = (orc: Record<number, string>) =>
      convertText(
        er7(MSH, PID, seg('ORC', { 2: 'X1', ...orc }), seg('OBR', { 1: '1', 2: 'X1', 4: 'A^A^L' })),
      ).one('ServiceRequest').status;
    expect(status({ 1: 'CA' })).toBe('revoked');
    expect(status({ 1: 'HD' })).toBe('on-hold');
    expect(status({ 1: 'SC', 5: 'CM' })).toBe('completed');
    expect(status({ 1: 'SC', 5: 'IP' })).toBe('active');
    expect(status({ 1: 'ZZ' })).toBe('unknown');
  });

  it('several orders; an order detail other than OBR is reported, not guessed', () => {
    const c2 = convertText(
      er7(
        MSH,
        PID,
        ...ORDER.slice(0, 2),
        seg('ORC', { 1: 'NW', 2: 'ORD-2' }),
        seg('OBR', { 1: '2', 2: 'ORD-2', 4: '718-7^Hgb^LN' }),
        seg('ORC', { 1: 'NW', 2: 'RX-1' }),
        'RXO|00069-3150^Drug^NDC',
      ),
    );
    expect(c2.all('ServiceRequest').map((s) => s.identifier?.[0].value)).toEqual(['ORD-1', 'ORD-2']);
    expect(c2.warnings).toContainEqual(expect.objectContaining({ code: 'SEGMENT_SKIPPED', location: 'RXO' }));
  });

  it('order groups sharing a number stay separate orders: the number matches neither, another of their own does', () => {
    const text = er7(
      MSH,
      PID,
      seg('ORC', { 1: 'NW', 2: 'ORD-5^CPOE' }),
      seg('OBR', { 1: '1', 2: 'ORD-5^CPOE', 4: '2345-7^Glucose^LN' }),
      seg('OBX', { 1: '1', 2: 'NM', 3: '8302-2^Body height^LN', 5: '180', 6: 'cm', 11: 'F' }),
      seg('OBR', { 1: '2', 2: 'ORD-5^CPOE', 3: 'F-2^LAB', 4: '718-7^Hgb^LN' }),
      seg('OBX', { 1: '1', 2: 'NM', 3: '8302-2^Body height^LN', 5: '181', 6: 'cm', 11: 'F' }),
    );
    const c2 = convertText(text);
    const [glucose, hgb] = c2.all('ServiceRequest');
    expect([glucose, hgb].map((s) => s.code?.coding?.[0].code)).toEqual(['2345-7', '718-7']);
    expect(glucose.identifier).toBeUndefined();
    expect(c2.entry(glucose).request?.url).toBe(`ServiceRequest/${glucose.id}`);
    expect(hgb.identifier?.map((i) => [i.type?.coding?.[0].code, i.value])).toEqual([['FILL', 'F-2']]);
    expect(c2.entry(hgb).request?.url).toBe('ServiceRequest?identifier=urn:meridian:id:LAB|F-2');
    // Both were placed under ORD-5: that stays as the requisition, and each keeps its own OBX.
    expect([glucose, hgb].map((s) => s.requisition?.value)).toEqual(['ORD-5', 'ORD-5']);
    expect(
      [glucose, hgb].map(
        (s) => (c2.resolve(s.supportingInfo?.[0]) as fhir4.Observation).valueQuantity?.value,
      ),
    ).toEqual([180, 181]);
    expect(c2.warnings.filter((w) => w.code === 'UNEXPECTED_REPETITION').map((w) => w.location)).toEqual([
      'ORC-2',
      'OBR-2',
      'OBR[2]-2',
    ]);
    expect(convertText(text).bundle).toEqual(c2.bundle);
    expect(validateFhirResource(c2.bundle).valid).toBe(true);
  });

  it('needs a patient and an order', () => {
    expect(convertHl7ToFhir(parse(er7(MSH, ...ORDER)))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_SEGMENT', location: 'PID' },
    });
    expect(convertHl7ToFhir(parse(er7(MSH, PID)))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_SEGMENT', location: 'ORC' },
    });
  });
});

describe('ServiceRequest → ORM^O01', () => {
  const c = convertText(er7(MSH, PID, PV1, ...ORDER));
  const byUrl = new Map(c.bundle.entry?.map((e) => [e.fullUrl, e.resource]));
  const orm = serviceRequestToOrm(c.one('ServiceRequest'), c.one('Patient'), {
    sendingApplication: 'MERIDIAN',
    sendingFacility: 'GHH',
    receivingApplication: 'LAB',
    timestamp: '2024-05-06T16:00:00Z',
    controlId: 'CTRL-1',
    resolve: (ref) => byUrl.get(ref.reference),
  });

  it('writes a parseable ORM^O01 with MSH, PID, ORC NW, OBR and NTE', () => {
    const parsed = parseHl7(orm);
    if (!parsed.ok) throw new Error(parsed.error.reason);
    const m = parsed.message;
    expect(m.segments.map((s) => s.name)).toEqual(['MSH', 'PID', 'ORC', 'OBR', 'NTE']);
    expect(m.messageType).toEqual({ code: 'ORM', trigger: 'O01', structure: 'ORM_O01' });
    expect(m.controlId).toBe('CTRL-1');
    expect(m.get('MSH-7')).toBe('20240506160000+0000');
    expect(m.get('ORC-1')).toBe('NW');
    expect(m.get('ORC-2')).toBe('ORD-1');
    expect(m.get('OBR-2.2')).toBe('CPOE');
    expect(m.get('OBR-4')).toBe('24323-8');
    expect(m.get('OBR-4.3')).toBe('LN');
    expect(m.get('PID-5')).toBe("O'NEIL");
    expect(m.get('NTE-3')).toBe('Fasting & hydrated');
    expect(orm).toContain('Fasting \\T\\ hydrated');
    expect(orm.endsWith('\r')).toBe(true);
    expect(orm).not.toContain('\n');
  });

  it('round trip: ORM → ServiceRequest → ORM → ServiceRequest keeps the order facts', () => {
    const again = convertText(orm);
    const before = orderFacts(c);
    const after = orderFacts(again);
    expect(after).toEqual({ ...before, patient: { ...before.patient } });
  });

  it('escapes delimiters in every value and is deterministic', () => {
    const sr: fhir4.ServiceRequest = {
      resourceType: 'ServiceRequest',
      status: 'revoked',
      intent: 'order',
      subject: { reference: 'Patient/1' },
      identifier: [
        {
          system: 'urn:oid:2.16.840.1.113883.19.5',
          value: 'A|B^C~D\\E&F',
          type: { coding: [{ code: 'PLAC' }] },
        },
      ],
      code: { text: 'Free text ^ with | delimiters' },
      note: [{ text: 'two\nlines' }],
      requester: { display: 'Dr Who' },
    };
    const patient: fhir4.Patient = {
      resourceType: 'Patient',
      identifier: [{ system: 'urn:meridian:id:GHH', value: 'P^1' }],
    };
    const text = serviceRequestToOrm(sr, patient, { timestamp: new Date('2024-01-01T00:00:00Z') });
    expect(text).toBe(serviceRequestToOrm(sr, patient, { timestamp: new Date('2024-01-01T00:00:00Z') }));
    const parsed = parseHl7(text);
    if (!parsed.ok) throw new Error(parsed.error.reason);
    expect(parsed.message.get('ORC-1')).toBe('CA');
    expect(parsed.message.get('ORC-5')).toBe('CA');
    expect(parsed.message.get('ORC-2')).toBe('A|B^C~D\\E&F');
    expect(parsed.message.get('ORC-2.3')).toBe('2.16.840.1.113883.19.5');
    expect(parsed.message.get('ORC-2.4')).toBe('ISO');
    expect(parsed.message.get('OBR-4.2')).toBe('Free text ^ with | delimiters');
    expect(parsed.message.get('NTE-3')).toBe('two\nlines');
    expect(parsed.message.get('ORC-12.2')).toBe('Dr Who');
    expect(parsed.message.get('PID-3')).toBe('P^1');
    expect(parsed.message.get('PID-3.4')).toBe('GHH');
    const back = convertText(text);
    expect(back.one('ServiceRequest')).toMatchObject({
      status: 'revoked',
      identifier: [{ system: 'urn:oid:2.16.840.1.113883.19.5', value: 'A|B^C~D\\E&F' }],
      code: { text: 'Free text ^ with | delimiters' },
    });
  });

  it('refuses a request without placer number or time', () => {
    const sr: fhir4.ServiceRequest = {
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      subject: {},
    };
    expect(() => serviceRequestToOrm(sr, undefined, { timestamp: '2024-01-01T00:00:00Z' })).toThrow(
      TypeError,
    );
    expect(() => serviceRequestToOrm({ ...sr, identifier: [{ value: 'X' }] }, undefined)).toThrow(TypeError);
  });

  it('formats FHIR date-times as HL7 DTM', () => {
    expect(toV2DateTime('2024-05-06')).toBe('20240506');
    expect(toV2DateTime('2024-05')).toBe('202405');
    expect(toV2DateTime('2024-05-06T10:00:00.123456-04:00')).toBe('20240506100000.1234-0400');
    expect(toV2DateTime('2024-05-06T10:00:00Z')).toBe('20240506100000+0000');
    expect(toV2DateTime('garbage')).toBe('');
  });
});
