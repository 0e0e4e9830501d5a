import { validateFhirResource } from '@meridian/fhir';
import { convertHl7ToFhir } from './convert';
import { convertText, er7, parse, seg } from './test-support';

const PID = seg('PID', { 1: '1', 3: 'MRN100^^^GHH^MR', 5: 'GARCIA^MARIA', 7: '19850412', 8: 'F' });
const SIU = (event: string) =>
  `MSH|^~\\&|SCHED|GHH|EHR|GHH|20240510083000-0500||SIU^${event}^SIU_S12|S-${event}|P|2.5.1`;
const MDM = (event: string) =>
  `MSH|^~\\&|DOCS|GHH|EHR|GHH|20240510083000-0500||MDM^${event}^MDM_T02|D-${event}|P|2.5.1`;

describe('SIU → Appointment', () => {
  it('S12: times from SCH-11, participants, service, status from SCH-25, planned Encounter', () => {
    const c = convertText(
      er7(
        SIU('S12'),
        seg('SCH', {
          1: 'PL-1^EHR',
          2: 'FL-1^SCHED',
          7: 'CHECKUP^Check-up^HL70276',
          11: '^^^202405201400-0500^202405201430-0500',
          25: 'Booked',
        }),
        'NTE|1||Fasting required',
        PID,
        seg('PV1', { 2: 'O', 3: 'CLINIC^^^GHH' }),
        seg('RGS', { 1: '1' }),
        seg('AIS', { 1: '1', 3: '99213^Office visit^CPT' }),
        seg('AIL', { 1: '1', 3: 'CLINIC^ROOM 2^^GHH' }),
        seg('AIP', { 1: '1', 3: '1122334455^HEART^HARRY^^^^^^NPI', 4: 'AT' }),
        seg('AIG', { 1: '1', 3: 'US1^Ultrasound 1^L', 4: 'EQUIP^Equipment^L' }),
      ),
    );
    const appt = c.one('Appointment');
    expect(appt).toMatchObject({
      status: 'booked',
      start: '2024-05-20T14:00:00-05:00',
      end: '2024-05-20T14:30:00-05:00',
      minutesDuration: 30,
      appointmentType: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0276', code: 'CHECKUP' }],
      },
      serviceType: [{ coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '99213' }] }],
      comment: 'Fasting required',
    });
    expect(c.entry(appt).request?.url).toBe('Appointment?identifier=urn:meridian:id:SCHED|FL-1');
    const actors = appt.participant.map((p) => c.resolve(p.actor)?.resourceType ?? p.actor?.display);
    expect(actors).toEqual(['Patient', 'Location', 'Practitioner', 'Ultrasound 1']);
    expect(appt.participant[2].type?.[0].coding?.[0].code).toBe('ATND');
    const enc = c.one('Encounter');
    expect(enc.status).toBe('planned');
    expect(enc.appointment?.[0].reference).toBe(c.entry(appt).fullUrl);
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('start from AIS-4 with AIS-7/8 duration; end computed in the same offset', () => {
    const appt = convertText(
      er7(
        SIU('S12'),
        seg('SCH', { 2: 'FL-2' }),
        PID,
        seg('AIS', { 1: '1', 3: 'X^X^L', 4: '20240520233000+0100', 7: '1', 8: 'H' }),
      ),
    ).one('Appointment');
    expect([appt.start, appt.end, appt.minutesDuration]).toEqual([
      '2024-05-20T23:30:00+01:00',
      '2024-05-21T00:30:00+01:00',
      60,
    ]);
  });

  it('SCH-9/10 duration when the resource gives none; a clinical SCH-7 reason is a reasonCode', () => {
    const appt = convertText(
      er7(
        SIU('S14'),
        seg('SCH', { 2: 'FL-3', 7: '^Knee pain', 9: '20', 10: 'MIN', 11: '^^^202405201400' }),
        PID,
      ),
    ).one('Appointment');
    expect(appt).toMatchObject({
      start: '2024-05-20T14:00:00Z',
      end: '2024-05-20T14:20:00Z',
      reasonCode: [{ text: 'Knee pain' }],
    });
  });

  it('S15 cancels (SCH-6 the reason); S26 is a no-show; missing times make a booked appointment proposed', () => {
    const cancelled = convertText(
      er7(SIU('S15'), seg('SCH', { 2: 'FL-4', 6: 'PC^Patient cancelled^L' }), PID),
    ).one('Appointment');
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelationReason: { coding: [{ code: 'PC' }] } });
    expect(
      convertText(er7(SIU('S26'), seg('SCH', { 2: 'FL-5', 11: '^^^202405201400^202405201430' }), PID)).one(
        'Appointment',
      ).status,
    ).toBe('noshow');
    const noTimes = convertText(er7(SIU('S12'), seg('SCH', { 2: 'FL-6', 25: 'Booked' }), PID));
    expect(noTimes.one('Appointment').status).toBe('proposed');
    expect(noTimes.warnings).toContainEqual(
      expect.objectContaining({ code: 'MISSING_VALUE', location: 'SCH-11.4' }),
    );
    expect(validateFhirResource(noTimes.bundle).valid).toBe(true);
  });

  it('v2.3 senders that put start^end in TQ.1/TQ.2 are read, with a warning', () => {
    const c = convertText(er7(SIU('S12'), seg('SCH', { 1: '1', 11: '20050912110230^20050912110430' }), PID));
    expect(c.one('Appointment')).toMatchObject({
      start: '2005-09-12T11:02:30Z',
      end: '2005-09-12T11:04:30Z',
      status: 'booked',
    });
    expect(c.warnings).toContainEqual(expect.objectContaining({ code: 'INVALID_VALUE', location: 'SCH-11' }));
  });

  it('needs SCH', () => {
    expect(convertHl7ToFhir(parse(er7(SIU('S12'), PID)))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_SEGMENT', location: 'SCH' },
    });
  });
});

describe('MDM → DocumentReference', () => {
  const TXA = seg('TXA', {
    1: '1',
    2: 'DS^Discharge summary',
    3: 'TX',
    4: '20240510110000-0400',
    6: '20240510143000-0400',
    9: '1730998877^PATEL^ANIL^^^^^^NPI',
    12: 'DOC-1^EHR',
    13: 'DOC-0^EHR',
    17: 'LA',
    18: 'V',
    19: 'AV',
  });

  it('T02 text content: lines in order (blank lines kept) as base64 UTF-8 text/plain', () => {
    const c = convertText(
      er7(
        MDM('T02'),
        PID,
        seg('PV1', { 2: 'I', 19: 'V1^^^GHH^VN' }),
        TXA,
        seg('OBX', { 1: '1', 2: 'TX', 5: 'Line one \\T\\ more', 11: 'F' }),
        seg('OBX', { 1: '2', 2: 'TX', 11: 'F' }),
        seg('OBX', { 1: '3', 2: 'FT', 5: 'Stra\\XC39F\\e\\.br\\end', 11: 'F' }),
      ),
    );
    const doc = c.one('DocumentReference');
    expect(doc).toMatchObject({
      masterIdentifier: { system: 'urn:meridian:id:EHR', value: 'DOC-1' },
      status: 'current',
      docStatus: 'final',
      date: '2024-05-10T14:30:00-04:00',
      type: { coding: [{ code: 'DS' }, { system: 'http://loinc.org', code: '18842-5' }] },
      securityLabel: [{ coding: [{ code: 'V' }] }],
      relatesTo: [{ code: 'appends', target: { type: 'DocumentReference', identifier: { value: 'DOC-0' } } }],
      context: { period: { start: '2024-05-10T11:00:00-04:00' } },
    });
    expect(c.resolve(doc.author?.[0])?.resourceType).toBe('Practitioner');
    expect(c.resolve(doc.context?.encounter?.[0])).toBe(c.one('Encounter'));
    const attachment = doc.content[0].attachment;
    expect(attachment.contentType).toBe('text/plain');
    expect(Buffer.from(attachment.data ?? '', 'base64').toString('utf8')).toBe(
      'Line one & more\n\nStraße\nend',
    );
    expect(c.entry(doc).request?.url).toBe('DocumentReference?identifier=urn:meridian:id:EHR|DOC-1');
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('ED content becomes its own attachment with its MIME type; T10 replaces the parent', () => {
    const doc = convertText(
      er7(MDM('T10'), PID, TXA, seg('OBX', { 1: '1', 2: 'ED', 5: '^AP^PDF^Base64^JVBERi0xLjQK', 11: 'F' })),
    ).one('DocumentReference');
    expect(doc.content).toEqual([
      {
        attachment: {
          contentType: 'application/pdf',
          data: 'JVBERi0xLjQK',
          creation: '2024-05-10T14:30:00-04:00',
        },
      },
    ]);
    expect(doc.relatesTo?.[0].code).toBe('replaces');
  });

  it('a document without content, or a notification-only event, is not converted', () => {
    expect(convertHl7ToFhir(parse(er7(MDM('T02'), PID, TXA)))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_CONTENT' },
    });
    expect(convertHl7ToFhir(parse(er7(MDM('T01'), PID, TXA)))).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED_MESSAGE_TYPE' },
    });
    expect(convertHl7ToFhir(parse(er7(MDM('T02'), PID)))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_SEGMENT', location: 'TXA' },
    });
  });

  it('bad base64 is reported, not passed on', () => {
    const c = convertText(
      er7(
        MDM('T02'),
        PID,
        TXA,
        seg('OBX', { 1: '1', 2: 'ED', 5: '^AP^PDF^Base64^not base64!', 11: 'F' }),
        seg('OBX', { 1: '2', 2: 'TX', 5: 'text' }),
      ),
    );
    expect(c.one('DocumentReference').content).toHaveLength(1);
    expect(c.warnings).toContainEqual(expect.objectContaining({ code: 'INVALID_VALUE', location: 'OBX-5' }));
  });
});
