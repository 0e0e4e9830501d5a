import { validateFhirResource } from '@meridian/fhir';
import { allStrings, convertText, er7, seg } from './test-support';

/** Message structure rules (issue 10, classes 6–9): ORU groups, scheduling, segments once left out. */

const PID = seg('PID', { 1: '1', 3: 'MRN77^^^GHH^MR', 5: 'DOE^JANE', 7: '1970', 8: 'F' });
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

describe('ORU^R01: one DiagnosticReport per OBR, every OBX in its report', () => {
  const MSH = 'MSH|^~\\&|LAB|ACME LAB|EHR|GHH|20240506123000-0400||ORU^R01^ORU_R01|R-1|P|2.5.1';
  const OBX = (n: number, code: string, value: string, extra: Record<number, string> = {}) =>
    seg('OBX', { 1: String(n), 2: 'NM', 3: code, 5: value, 11: 'F', ...extra });
  const OBR = (n: number, extra: Record<number, string>) =>
    seg('OBR', { 1: String(n), 7: '202405061000-0400', 25: 'F', ...extra });

  it('identifiers come from OBR-3/OBR-2 before ORC-3/ORC-2, so reports under one ORC stay apart', () => {
    const c = convertText(
      er7(
        MSH,
        PID,
        seg('ORC', { 1: 'RE', 2: 'ORD-9^EHR', 3: 'ACC-9^LAB' }),
        OBR(1, { 2: 'ORD-9^EHR', 3: 'ACC-9-1^LAB', 4: '24323-8^CMP^LN' }),
        OBX(1, '2345-7^Glucose^LN', '99'),
        seg('ORC', { 1: 'RE', 2: 'ORD-9^EHR', 3: 'ACC-9^LAB' }),
        OBR(2, { 2: 'ORD-9^EHR', 3: 'ACC-9-2^LAB', 4: '58410-2^CBC^LN' }),
        OBX(1, '718-7^Hemoglobin^LN', '13'),
        OBX(2, '6690-2^WBC^LN', '7'),
      ),
    );
    const reports = c.all('DiagnosticReport');
    expect(reports).toHaveLength(2);
    expect(reports.map((r) => r.identifier?.find((i) => i.type?.coding?.[0].code === 'FILL')?.value)).toEqual(
      ['ACC-9-1', 'ACC-9-2'],
    );
    expect(reports.map((r) => c.entry(r).request?.url)).toEqual([
      'DiagnosticReport?identifier=urn:meridian:id:LAB|ACC-9-1',
      'DiagnosticReport?identifier=urn:meridian:id:LAB|ACC-9-2',
    ]);
    const codes = (r: fhir4.DiagnosticReport) =>
      r.result?.map((ref) => (c.resolve(ref) as fhir4.Observation).code.coding?.[0].code);
    expect(codes(reports[0])).toEqual(['2345-7']);
    expect(codes(reports[1])).toEqual(['718-7', '6690-2']);
  });

  it('two OBRs that only share the ORC number are two reports, the second matched by position', () => {
    const c = convertText(
      er7(
        MSH,
        PID,
        seg('ORC', { 1: 'RE', 3: 'ACC-5^LAB' }),
        OBR(1, { 4: 'A1^Panel A^L' }),
        OBX(1, 'X1^X1^L', '1'),
        seg('ORC', { 1: 'RE', 3: 'ACC-5^LAB' }),
        OBR(2, { 4: 'B1^Panel B^L' }),
        OBX(1, 'Y1^Y1^L', '2'),
      ),
    );
    const [first, second] = c.all('DiagnosticReport');
    expect(first.identifier?.[0].value).toBe('ACC-5');
    expect(second.identifier).toBeUndefined();
    expect(c.entry(second).request).toEqual({ method: 'PUT', url: `DiagnosticReport/${second.id}` });
    expect(c.warnings).toContainEqual(
      expect.objectContaining({ code: 'UNEXPECTED_REPETITION', location: 'OBR[2]-3' }),
    );
    // No Observation is left out of a report.
    const listed = new Set(c.all('DiagnosticReport').flatMap((r) => r.result?.map((x) => x.reference) ?? []));
    for (const o of c.all('Observation')) expect(listed.has(c.entry(o).fullUrl)).toBe(true);
  });

  it('NTE after OBX is that Observation’s note; NTE after OBR is the order’s, never an R5 extension', () => {
    const c = convertText(
      er7(
        MSH,
        PID,
        OBR(1, { 2: 'ORD-1^EHR', 3: 'ACC-1^LAB', 4: 'A1^Panel^L' }),
        'NTE|1|L|about the panel',
        OBX(1, 'X1^X1^L', '1'),
        'NTE|1|L|about X1',
        OBX(2, 'X2^X2^L', '2'),
      ),
    );
    const [x1, x2] = c.all('Observation');
    expect(x1.note).toEqual([{ text: 'about X1' }]);
    expect(x2.note).toBeUndefined();
    const order = c.one('ServiceRequest');
    expect(order.note).toEqual([{ text: 'about the panel' }]);
    expect(c.entry(order).request).toMatchObject({
      method: 'POST',
      ifNoneExist: 'identifier=urn:meridian:id:EHR|ORD-1',
    });
    expect(c.resolve(c.one('DiagnosticReport').basedOn?.[0])).toBe(order);
    expect(c.resolve(x1.basedOn?.[0])).toBe(order);
    expect(allStrings(c.bundle).some((s) => s.includes('/fhir/5.0/'))).toBe(false);
  });

  it('SPM groups: each OBX after an SPM is about that specimen and still in the report', () => {
    const c = convertText(
      er7(
        MSH,
        PID,
        OBR(1, { 2: 'ORD-2^EHR', 3: 'ACC-2^LAB', 4: 'MICRO^Culture^L' }),
        OBX(1, 'ORG^Organism^L', '1'),
        seg('SPM', { 1: '1', 2: '^SP-1&LAB', 4: 'BLD^Blood^HL70487' }),
        OBX(1, 'VOL^Volume^L', '5', { 6: 'mL' }),
        seg('SPM', { 1: '2', 2: '^SP-2&LAB', 4: 'UR^Urine^HL70487' }),
        OBX(1, 'VOL^Volume^L', '20', { 6: 'mL' }),
      ),
    );
    const report = c.one('DiagnosticReport');
    const [sp1, sp2] = c.all('Specimen');
    const [organism, vol1, vol2] = c.all('Observation');
    expect(report.result).toHaveLength(3);
    expect(report.specimen?.map((s) => c.resolve(s))).toEqual([sp1, sp2]);
    expect(c.resolve(vol1.specimen)).toBe(sp1);
    expect(c.resolve(vol2.specimen)).toBe(sp2);
    // Two specimens: which one the order-level OBX is about is not said.
    expect(organism.specimen).toBeUndefined();
    expect(c.resolve(sp1.request?.[0])).toBe(c.one('ServiceRequest'));
  });

  it('OBX under an ORC without OBR are kept as the patient’s Observations, not dropped', () => {
    const c = convertText(
      er7(
        MSH,
        PID,
        seg('ORC', { 1: 'RE', 3: 'ACC-3^LAB' }),
        OBX(1, 'X1^X1^L', '1'),
        OBR(1, { 3: 'ACC-4^LAB', 4: 'A1^Panel^L' }),
        OBX(1, 'Y1^Y1^L', '2'),
      ),
    );
    const [x1, y1] = c.all('Observation');
    expect(x1.code.coding?.[0].code).toBe('X1');
    expect(c.one('DiagnosticReport').result?.map((r) => c.resolve(r))).toEqual([y1]);
    expect(c.warnings).not.toContainEqual(
      expect.objectContaining({ code: 'SEGMENT_SKIPPED', location: 'ORC' }),
    );
  });

  it('several PATIENT_RESULT groups: each report and observation belongs to its own patient', () => {
    const c = convertText(
      er7(
        MSH,
        PID,
        OBR(1, { 3: 'ACC-A^LAB', 4: 'A^A^L' }),
        OBX(1, 'A1^A1^L', '1'),
        seg('PID', { 1: '2', 3: 'MRN88^^^GHH^MR' }),
        seg('PV1', { 1: '1', 2: 'O' }),
        OBR(1, { 3: 'ACC-B^LAB', 4: 'B^B^L' }),
        OBX(1, 'B1^B1^L', '2'),
      ),
    );
    const [p1, p2] = c.all('Patient');
    const [r1, r2] = c.all('DiagnosticReport');
    expect([c.resolve(r1.subject), c.resolve(r2.subject)]).toEqual([p1, p2]);
    const [o1, o2] = c.all('Observation');
    expect([c.resolve(o1.subject), c.resolve(o2.subject)]).toEqual([p1, p2]);
    // The second patient's visit (no number, no admit time) is an Encounter of its own.
    expect(c.resolve(r2.encounter)).toBe(c.one('Encounter'));
    expect(r1.encounter).toBeUndefined();
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });
});

describe('SIU: timing, durations in their units, participants, type, basedOn', () => {
  const MSH = 'MSH|^~\\&|SCHED|GHH CLINIC|EHR|GHH|20240510083000-0500||SIU^S12^SIU_S12|S-1|P|2.5.1';
  const SCH = (fields: Record<number, string> = {}) =>
    seg('SCH', { 1: 'PL-1^EHR', 2: 'FL-1^SCHED', 25: 'Booked', ...fields });
  const appointment = (...lines: string[]) => convertText(er7(MSH, ...lines)).one('Appointment');

  it('TQ1-7/TQ1-8 win over SCH-11', () => {
    const a = appointment(
      SCH({ 11: '^^30^202405201400-0500^202405201430-0500' }),
      seg('TQ1', { 1: '1', 7: '202405211000-0500', 8: '202405211045-0500' }),
      PID,
    );
    expect(a).toMatchObject({
      start: '2024-05-21T10:00:00-05:00',
      end: '2024-05-21T10:45:00-05:00',
      minutesDuration: 45,
    });
  });

  it('TQ1-6 service duration (CQ with units) gives the end when TQ1-8 is empty', () => {
    const a = appointment(SCH(), seg('TQ1', { 1: '1', 6: '2^h&hours&ISO+', 7: '202405211000-0500' }), PID);
    expect(a).toMatchObject({ end: '2024-05-21T12:00:00-05:00', minutesDuration: 120 });
  });

  it('a TQ1 with a duration but no start still gives the duration of an SCH-11 start', () => {
    const a = appointment(
      SCH({ 9: '10', 11: '^^^202405201400-0500' }),
      seg('TQ1', { 1: '1', 6: '90^s' }),
      PID,
    );
    expect(a).toMatchObject({ minutesDuration: 2, end: '2024-05-20T14:01:30-05:00' });
  });

  it.each([
    ['1', 'H', 60],
    ['3600', 'S', 60],
    ['3600.000', 's', 60],
    ['90', 'M', 90],
    ['45', 'min', 45],
    ['45', 'MIN^Minutes^ANS+', 45],
    ['1', 'D', 1440],
    ['30', '', 30],
  ])('SCH-9 %s in SCH-10 units "%s" is %d minutes', (amount, unit, expected) => {
    const a = appointment(SCH({ 9: amount, 10: unit, 11: '^^^202405201400-0500' }), PID);
    expect(a.minutesDuration).toBe(expected);
    expect(Date.parse(a.end ?? '') - Date.parse(a.start ?? '')).toBe(expected * 60000);
  });

  it('the TQ duration (SCH-11.3 M30, H1) is read in its unit; an unknown unit is reported, not guessed', () => {
    expect(appointment(SCH({ 11: '^^H1^202405201400-0500' }), PID).minutesDuration).toBe(60);
    const c = convertText(er7(MSH, SCH({ 9: '2', 10: 'FORTNIGHTS', 11: '^^^202405201400-0500' }), PID));
    expect(c.warnings).toContainEqual(expect.objectContaining({ code: 'UNMAPPED_CODE', location: 'SCH-9' }));
    expect(c.one('Appointment').minutesDuration).toBeUndefined();
    expect(c.one('Appointment').status).toBe('proposed');
  });

  it('AIS/AIG/AIL/AIP: service type, location and people as participants with their own status', () => {
    const c = convertText(
      er7(
        MSH,
        SCH({ 11: '^^30^202405201400-0500^202405201430-0500' }),
        PID,
        'RGS|1|A',
        seg('AIS', { 1: '1', 2: 'A', 3: '93000^ECG^CPT', 10: 'Booked' }),
        seg('AIS', { 1: '2', 2: 'D', 3: '71045^Chest X-ray^CPT' }),
        seg('AIG', { 1: '1', 2: 'A', 3: 'ECG-2^ECG cart 2^L', 4: 'EQUIP^Equipment^L', 14: 'Pending' }),
        seg('AIL', { 1: '1', 2: 'A', 3: 'CARDIO^ROOM 3^^GHH', 12: 'Booked' }),
        seg('AIP', {
          1: '1',
          2: 'A',
          3: '1122334455^HEART^HARRY^^^DR^^^NPI',
          4: 'AT^Attending^HL70443',
          11: 'No',
          12: 'Cancelled',
        }),
      ),
    );
    const a = c.one('Appointment');
    expect(a.serviceType?.map((s) => s.coding?.[0].code)).toEqual(['93000']);
    const [patient, group, location, person] = a.participant;
    expect(c.resolve(patient.actor)).toBe(c.one('Patient'));
    expect(patient).toMatchObject({ required: 'required', status: 'accepted' });
    expect(group).toMatchObject({ actor: { display: 'ECG cart 2' }, status: 'tentative' });
    expect(c.resolve(location.actor)).toBe(c.one('Location'));
    expect(location.status).toBe('accepted');
    expect(c.resolve(person.actor)).toBe(c.one('Practitioner'));
    expect(person).toMatchObject({ required: 'required', status: 'declined' });
    expect(person.type?.[0].coding?.[0]).toMatchObject({ code: 'ATND' });
    expect(a.participant).toHaveLength(4);
  });

  it('SCH-7 of table 0276 is the type; else SCH-8 (table 0277); SCH-26 is the order it fulfils', () => {
    const a = appointment(
      SCH({ 7: 'KNEE^Knee pain^L', 8: 'NORMAL', 11: '^^30^202405201400-0500', 26: 'ORD-7^EHR' }),
      PID,
    );
    expect(a.appointmentType?.coding).toEqual([
      { system: 'http://terminology.hl7.org/CodeSystem/v2-0277', code: 'Normal' },
    ]);
    expect(a.reasonCode?.[0].coding?.[0].code).toBe('KNEE');
    expect(a.basedOn).toEqual([
      {
        type: 'ServiceRequest',
        identifier: expect.objectContaining({ value: 'ORD-7', system: 'urn:meridian:id:EHR' }),
      },
    ]);
    const b = appointment(SCH({ 7: 'followup', 8: 'Normal', 11: '^^30^202405201400-0500' }), PID);
    expect(b.appointmentType?.coding?.[0]).toMatchObject({ code: 'FOLLOWUP' });
    expect(b.reasonCode).toBeUndefined();
  });
});

describe('segments once left out', () => {
  const ADT = (event: string, id = 'A-1') =>
    `MSH|^~\\&|ADT1|GHH|EHR|GHH|202405061230-0400||ADT^${event}^ADT_A01|${id}|P|2.5.1`;
  const EVN = (event: string) => `EVN|${event}|202405061230`;

  it('PR1 → Procedure: code, performed, performers, completed, in the visit', () => {
    const c = convertText(
      er7(
        ADT('A01'),
        EVN('A01'),
        PID,
        seg('PV1', { 1: '1', 2: 'I', 19: 'V1^^^GHH^VN' }),
        seg('PR1', {
          1: '1',
          3: '0DTJ4ZZ^Appendectomy^I10P',
          5: '202405061300-0400',
          6: 'P',
          7: '45',
          8: '111^GAS^ANNA^^^^^^NPI',
          11: '222^CUTTER^CARL^^^^^^NPI',
          15: 'K35.80^Appendicitis^I10C',
        }),
      ),
    );
    const procedure = c.one('Procedure');
    expect(procedure).toMatchObject({
      status: 'completed',
      code: { coding: [{ code: '0DTJ4ZZ', display: 'Appendectomy' }] },
      performedPeriod: { start: '2024-05-06T13:00:00-04:00', end: '2024-05-06T13:45:00-04:00' },
      category: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0230', code: 'P' }] },
      reasonCode: [{ coding: [{ code: 'K35.80' }] }],
    });
    expect(c.resolve(procedure.subject)).toBe(c.one('Patient'));
    expect(c.resolve(procedure.encounter)).toBe(c.one('Encounter'));
    expect(procedure.performer?.map((p) => [p.function?.text, p.actor.display])).toEqual([
      ['surgeon', 'CARL CUTTER'],
      ['anesthesiologist', 'ANNA GAS'],
    ]);
    // Same message, same Procedure.
    expect(
      convertText(
        er7(
          ADT('A01'),
          EVN('A01'),
          PID,
          seg('PV1', { 1: '1', 2: 'I', 19: 'V1^^^GHH^VN' }),
          seg('PR1', { 1: '1', 3: '0DTJ4ZZ^Appendectomy^I10P', 5: '202405061300-0400' }),
        ),
      ).one('Procedure').id,
    ).toBe(procedure.id);
  });

  it('AL1-4 severity (table 0128) → reaction.severity; U says nothing', () => {
    const c = convertText(
      er7(
        ADT('A01'),
        EVN('A01'),
        PID,
        'AL1|1|DA|70618^Penicillin^RXNORM|SV|HIVES',
        'AL1|2|FA|^Peanuts|MO',
        'AL1|3|DA|^Latex|MI',
        'AL1|4|DA|^Codeine|U',
      ),
    );
    const [pen, peanut, latex, codeine] = c.all('AllergyIntolerance');
    expect(pen.reaction).toEqual([{ manifestation: [{ text: 'HIVES' }], severity: 'severe' }]);
    expect(peanut.reaction?.[0].severity).toBe('moderate');
    // A reaction needs a manifestation: unknown when AL1-5 is empty.
    expect(peanut.reaction?.[0].manifestation[0].extension?.[0].valueCode).toBe('unknown');
    expect(latex.reaction?.[0].severity).toBe('mild');
    expect(codeine.reaction).toBeUndefined();
    // Criticality per the IG's ConceptMap for table 0128: SV high, MI low, nothing for MO and U.
    expect(c.all('AllergyIntolerance').map((a) => a.criticality)).toEqual([
      'high',
      undefined,
      'low',
      undefined,
    ]);
  });

  it('ORM: the patient’s AL1 and IN1 come with each order', () => {
    const c = convertText(
      er7(
        'MSH|^~\\&|CPOE|GHH|LAB|ACME LAB|202405061200-0400||ORM^O01^ORM_O01|O-1|P|2.5.1',
        PID,
        seg('PV1', { 1: '1', 2: 'O', 19: 'V9^^^GHH^VN' }),
        seg('IN1', { 1: '1', 2: 'GOLD^Gold plan', 3: 'IC1^^^GHH', 4: 'ACME INSURANCE', 36: 'POL-1' }),
        'AL1|1|DA|70618^Penicillin^RXNORM|SV',
        seg('ORC', { 1: 'NW', 2: 'ORD-1^EHR' }),
        seg('OBR', { 1: '1', 2: 'ORD-1^EHR', 4: '24323-8^CMP^LN' }),
      ),
    );
    const order = c.one('ServiceRequest');
    expect(c.resolve(order.insurance?.[0])).toBe(c.one('Coverage'));
    expect(order.supportingInfo?.map((r) => c.resolve(r))).toContain(c.one('AllergyIntolerance'));
    expect(c.one('AllergyIntolerance').reaction?.[0].severity).toBe('severe');
  });

  it('MDM: ORC/OBR are the orders the document is about (context.related), created only if missing', () => {
    const c = convertText(
      er7(
        'MSH|^~\\&|DICT|GHH|EHR|GHH|202405061200-0400||MDM^T02^MDM_T02|M-1|P|2.5.1',
        'EVN|T02|202405061200',
        PID,
        seg('PV1', { 1: '1', 2: 'O' }),
        seg('ORC', { 1: 'RE', 2: 'ORD-3^EHR', 3: 'RAD-3^RIS' }),
        seg('OBR', { 1: '1', 2: 'ORD-3^EHR', 3: 'RAD-3^RIS', 4: '71045^Chest X-ray^CPT' }),
        seg('TXA', { 1: '1', 2: 'RAD^Radiology report', 3: 'TX', 12: 'DOC-3^RIS', 17: 'AU' }),
        'OBX|1|TX|RAD^Report^L||No acute findings||||||F',
      ),
    );
    const doc = c.one('DocumentReference');
    const order = c.one('ServiceRequest');
    expect(doc.context?.related?.map((r) => c.resolve(r))).toEqual([order]);
    expect(c.entry(order).request).toMatchObject({
      method: 'POST',
      ifNoneExist: 'identifier=urn:meridian:id:EHR|ORD-3',
    });
    expect(order.identifier?.map((i) => i.value)).toEqual(['ORD-3', 'RAD-3']);
    expect(c.warnings).not.toContainEqual(expect.objectContaining({ location: 'ORC-1' }));
  });

  describe('Encounter status per the IG', () => {
    const status = (event: string, pv1: Record<number, string>) =>
      convertText(er7(ADT(event), EVN(event), PID, seg('PV1', { 1: '1', 19: 'V1^^^GHH^VN', ...pv1 }))).one(
        'Encounter',
      ).status;

    it('PV1-45 valued → finished, whatever the event (A08, A01), but not when A11/A13 withdraw it', () => {
      expect(status('A08', { 2: 'I', 44: '20240501', 45: '20240505' })).toBe('finished');
      expect(status('A01', { 2: 'I', 44: '20240501', 45: '20240505' })).toBe('finished');
      expect(status('A13', { 2: 'I', 44: '20240501', 45: '20240505' })).toBe('in-progress');
      expect(status('A11', { 2: 'I', 45: '20240505' })).toBe('cancelled');
    });

    it('PV1-2 P → planned when the event does not say; the event status otherwise', () => {
      expect(status('A08', { 2: 'P' })).toBe('planned');
      expect(status('A05', { 2: 'P' })).toBe('planned');
      expect(status('A08', { 2: 'I', 44: '20240501' })).toBe('in-progress');
      expect(status('A08', { 2: 'I' })).toBe('unknown');
      expect(status('A04', { 2: 'O' })).toBe('arrived');
    });

    it('in ORU, PV1-45 gives a finished visit', () => {
      const c = convertText(
        er7(
          'MSH|^~\\&|LAB|ACME LAB|EHR|GHH|20240506123000-0400||ORU^R01^ORU_R01|R-9|P|2.5.1',
          PID,
          seg('PV1', { 1: '1', 2: 'I', 19: 'V7^^^GHH^VN', 45: '20240505' }),
          seg('OBR', { 1: '1', 3: 'ACC-7^LAB', 4: 'A^A^L', 25: 'F' }),
        ),
      );
      expect(c.one('Encounter').status).toBe('finished');
    });
  });

  describe('an Encounter from every PV1 that describes a visit', () => {
    it('without PV1-19: PV1-50 alternate visit id, else admit time, else the message’s own visit', () => {
      const alt = convertText(
        er7(ADT('A08'), EVN('A08'), PID, seg('PV1', { 1: '1', 2: 'I', 50: 'ALT-1^^^GHH' })),
      ).one('Encounter');
      expect(alt.identifier?.[0]).toMatchObject({ value: 'ALT-1', system: 'urn:meridian:id:GHH' });

      const byAdmit = (id: string) =>
        convertText(
          er7(ADT('A08', id), EVN('A08'), PID, seg('PV1', { 1: '1', 2: 'I', 44: '202405011000' })),
        ).one('Encounter').id;
      // Same patient and admit time: the same visit across messages.
      expect(byAdmit('A-1')).toBe(byAdmit('A-2'));

      const bare = (id: string) =>
        convertText(er7(ADT('A08', id), EVN('A08'), PID, seg('PV1', { 1: '1', 2: 'O', 3: 'CLINIC' })));
      const first = bare('A-1');
      const encounter = first.one('Encounter');
      expect(first.entry(encounter).request).toEqual({ method: 'PUT', url: `Encounter/${encounter.id}` });
      expect(first.warnings).not.toContainEqual(expect.objectContaining({ code: 'SEGMENT_SKIPPED' }));
      // Idempotent: the same message gives the same Encounter; another message its own.
      expect(bare('A-1').one('Encounter').id).toBe(encounter.id);
      expect(bare('A-2').one('Encounter').id).not.toBe(encounter.id);
      expect(first.one('Encounter').identifier).toBeUndefined();
    });

    it('a visit number is still typed VN', () => {
      const c = convertText(er7(ADT('A01'), EVN('A01'), PID, seg('PV1', { 1: '1', 2: 'I', 19: 'V1^^^GHH' })));
      expect(c.one('Encounter').identifier?.[0].type?.coding?.[0]).toMatchObject({
        system: V2_0203,
        code: 'VN',
      });
    });
  });
});
