import { validateFhirResource } from '@meridian/fhir';
import { convertHl7ToFhir } from './convert';
import { allStrings, convertText, er7, parse, seg } from './test-support';

const MSH = (event: string, extra = '') =>
  `MSH|^~\\&|ADT1|GOOD HEALTH HOSPITAL|GHH LAB|GHH|202405061230${extra}||ADT^${event}^ADT_A01|MSG-${event}|P|2.5.1`;
const PID = seg('PID', {
  1: '1',
  3: 'PATID1234^^^GHH^MR~123-45-6789^^^SSA^SS~987654^^^&2.16.840.1.113883.19.5&ISO^PI',
  5: 'EVERYMAN^ADAM^A^III^DR^^L~ADAM^^^^^^N',
  7: '19610615',
  8: 'M',
  10: '2106-3^White^CDCREC',
  11: '2222 HOME STREET^APT 2^GREENSBORO^NC^27401-1020^USA^H^^37081~PO BOX 9^^GREENSBORO^NC^27402^USA^M',
  12: 'GL',
  13: '^PRN^PH^^1^555^5552004~^NET^Internet^adam@example.org~^PRN^CP^^1^555^5551234',
  14: '(555)555-2005^WPN^PH',
  15: 'ENG^English^ISO639',
  16: 'M^Married^HL70002',
  19: '444333333',
});
const ATTENDING = '004777^ATTEND^AARON^A^^DR^MD^^NPI^L^^^NPI';
const PV1 = seg('PV1', {
  1: '1',
  2: 'I',
  3: '2000^2012^01^GHH^^^^^Ward 2 East',
  7: ATTENDING,
  8: '005555^REFER^RITA',
  10: 'SUR',
  14: '7',
  17: ATTENDING,
  19: 'V1001^^^GHH^VN',
  44: '202405061200-0400',
});

describe('ADT A01 (admit)', () => {
  const c = convertText(
    er7(
      MSH('A01'),
      'EVN|A01|202405061230|||JSMITH|202405061215-0400',
      PID,
      'NK1|1|EVERYWOMAN^EVE^E|SPO^Spouse^HL70063|2222 HOME STREET^^GREENSBORO^NC^27401|(555)555-2003|(555)555-2004|EC^Emergency Contact^HL70131',
      'NK1|2|||||||||||||||||||||||||||||||||||',
      PV1,
      'PV2|||CHEST PAIN^Chest pain^L',
      'OBX|1|NM|8302-2^Body height^LN||180|cm^centimeter^UCUM|||||F|||202405061215-0400',
      'OBX|2|ST|NOTE^Admission note^L||Patient says \\T\\ complains of pain||||||F',
      'NTE|1|L|taken at triage',
      'AL1|1|DA|70618^Penicillin^RXNORM|SV|HIVES~RASH|20200101',
      'AL1|2|FA|^Peanuts|MO',
      'AL1|3|DA||MI',
      seg('DG1', {
        1: '1',
        2: 'I10',
        3: 'I20.9^Angina pectoris, unspecified^I10C',
        4: 'Angina',
        5: '202405061200',
        6: 'A',
        15: '1',
      }),
      seg('IN1', {
        1: '1',
        2: 'PLAN001^Gold Plan',
        3: 'IC123^^^GHH',
        4: 'ACME INSURANCE',
        5: '123 INSURANCE WAY^^DURHAM^NC^27701',
        8: 'GRP99',
        9: 'Group 99',
        12: '20240101',
        13: '20241231',
        15: 'HMO',
        16: 'EVERYMAN^ADAM',
        17: 'SEL^Self^HL70063',
        18: '19610615',
        22: '1',
        36: 'POL-556677',
      }),
      'ZAD|1|VIP FLAG|Y',
    ),
  );
  const patient = c.one('Patient');

  it('maps PID: identifiers with systems per authority, names with use, telecom by XTN.2/XTN.3, addresses, language', () => {
    expect(patient.identifier?.map((i) => [i.system, i.value])).toEqual([
      ['urn:meridian:id:GHH', 'PATID1234'],
      ['http://hl7.org/fhir/sid/us-ssn', '123-45-6789'],
      ['urn:oid:2.16.840.1.113883.19.5', '987654'],
      ['http://hl7.org/fhir/sid/us-ssn', '444333333'],
    ]);
    expect(patient.name).toEqual([
      { use: 'official', family: 'EVERYMAN', given: ['ADAM', 'A'], prefix: ['DR'], suffix: ['III'] },
      { use: 'nickname', family: 'ADAM' },
    ]);
    expect(patient.telecom).toEqual([
      { system: 'phone', value: '+1 (555) 5552004', use: 'home' },
      { system: 'email', value: 'adam@example.org', use: 'home' },
      { system: 'phone', value: '+1 (555) 5551234', use: 'mobile' },
      { system: 'phone', value: '(555)555-2005', use: 'work' },
    ]);
    expect(patient.address).toEqual([
      {
        use: 'home',
        line: ['2222 HOME STREET', 'APT 2'],
        city: 'GREENSBORO',
        district: '37081',
        state: 'NC',
        postalCode: '27401-1020',
        country: 'USA',
      },
      {
        type: 'postal',
        line: ['PO BOX 9'],
        city: 'GREENSBORO',
        state: 'NC',
        postalCode: '27402',
        country: 'USA',
      },
    ]);
    expect(patient.communication?.[0].language.coding?.[0]).toMatchObject({
      code: 'ENG',
      display: 'English',
    });
    expect(patient.maritalStatus?.coding?.[0]).toMatchObject({ code: 'M' });
    expect(patient.birthDate).toBe('1961-06-15');
    expect(c.entry(patient).request).toEqual({
      method: 'PUT',
      url: 'Patient?identifier=urn:meridian:id:GHH|PATID1234',
    });
  });

  it('maps PV1/PV2 to an in-progress Encounter with location, participants, period and reason', () => {
    const enc = c.one('Encounter');
    expect(enc.status).toBe('in-progress');
    expect(enc.class).toMatchObject({
      code: 'IMP',
      system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
    });
    expect(enc.period).toEqual({ start: '2024-05-06T12:00:00-04:00' });
    expect(c.entry(enc).request?.url).toBe('Encounter?identifier=urn:meridian:id:GHH|V1001');
    expect(enc.participant?.map((p) => p.type?.[0].coding?.[0].code)).toEqual(['ATND', 'REF', 'ADM']);
    const attending = c.resolve(enc.participant?.[0].individual) as fhir4.Practitioner;
    expect(attending.identifier?.[0]).toMatchObject({
      system: 'http://hl7.org/fhir/sid/us-npi',
      value: '004777',
    });
    expect(enc.participant?.[2].individual?.reference).toBe(enc.participant?.[0].individual?.reference);
    expect(c.all('Practitioner')).toHaveLength(2);
    const location = c.resolve(enc.location?.[0].location) as fhir4.Location;
    expect(location).toMatchObject({ name: '2000 2012 01', description: 'Ward 2 East' });
    expect(enc.location?.[0].status).toBe('active');
    expect(enc.reasonCode?.[0].coding?.[0].code).toBe('CHEST PAIN');
    expect(enc.serviceType?.coding?.[0].code).toBe('SUR');
    expect(enc.diagnosis?.[0]).toMatchObject({ use: { coding: [{ code: 'AD' }] }, rank: 1 });
  });

  it('maps NK1, AL1, DG1, IN1 and ADT OBX (+NTE)', () => {
    const [rp] = c.all('RelatedPerson');
    expect(rp.relationship?.map((r) => r.coding?.[0].code)).toEqual(['SPO', 'EC']);
    expect(rp.telecom?.map((t) => t.use)).toEqual(['home', 'work']);
    expect(c.warnings).toContainEqual(
      expect.objectContaining({ code: 'SEGMENT_SKIPPED', location: 'NK1[2]' }),
    );

    const allergies = c.all('AllergyIntolerance');
    expect(allergies).toHaveLength(2);
    expect(allergies[0]).toMatchObject({
      category: ['medication'],
      criticality: 'high',
      code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '70618' }] },
      reaction: [{ manifestation: [{ text: 'HIVES' }, { text: 'RASH' }] }],
      onsetDateTime: '2020-01-01',
    });
    expect(allergies[1].code).toEqual({ text: 'Peanuts' });
    expect(c.warnings).toContainEqual(
      expect.objectContaining({ code: 'MISSING_VALUE', location: 'AL1[3]-3' }),
    );

    const condition = c.one('Condition');
    expect(condition.code?.coding?.[0]).toMatchObject({
      system: 'http://hl7.org/fhir/sid/icd-10-cm',
      code: 'I20.9',
    });
    expect(condition.onsetDateTime).toBe('2024-05-06T12:00:00Z');

    const coverage = c.one('Coverage');
    expect(coverage).toMatchObject({
      status: 'active',
      subscriberId: 'POL-556677',
      relationship: { coding: [{ code: 'self' }] },
      period: { start: '2024-01-01', end: '2024-12-31' },
      order: 1,
    });
    expect(coverage.class?.map((k) => k.value)).toEqual(['PLAN001', 'GRP99']);
    const payor = c.resolve(coverage.payor[0]) as fhir4.Organization;
    expect(payor).toMatchObject({ name: 'ACME INSURANCE', identifier: [{ value: 'IC123' }] });

    const [height, note] = c.all('Observation');
    expect(height.valueQuantity).toEqual({
      value: 180,
      unit: 'cm',
      system: 'http://unitsofmeasure.org',
      code: 'cm',
    });
    expect(height.effectiveDateTime).toBe('2024-05-06T12:15:00-04:00');
    expect(c.resolve(height.encounter)).toBe(c.one('Encounter'));
    expect(note.valueString).toBe('Patient says & complains of pain');
    expect(note.note).toEqual([{ text: 'taken at triage' }]);
  });

  it('Provenance: every resource, MSH-7 as recorded, EVN-6 as occurred, the Z-segment kept', () => {
    const prov = c.one('Provenance');
    expect(prov.target).toHaveLength((c.bundle.entry?.length ?? 0) - 1);
    expect(prov.recorded).toBe('2024-05-06T12:30:00Z');
    expect(prov.occurredDateTime).toBe('2024-05-06T12:15:00-04:00');
    expect(prov.entity?.[0].extension?.[0].valueString).toBe('ZAD|1|VIP FLAG|Y');
    expect(c.bundle.entry?.at(-1)?.resource).toBe(prov);
    expect(c.bundle.entry?.[0].resource).toBe(patient);
  });

  it('is valid FHIR R4 and deterministic; warnings quote no value', () => {
    expect(validateFhirResource(c.bundle).valid).toBe(true);
    const again = convertText(er7(MSH('A01'), PID, PV1));
    expect(again.one('Patient').id).toBeUndefined();
    expect(c.bundle.entry?.[0].fullUrl).toBe(again.bundle.entry?.[0].fullUrl);
    expect(JSON.stringify(c.warnings)).not.toMatch(/EVERY|ADAM|VIP/);
  });
});

describe('ADT events', () => {
  it('A02 transfer: prior location completed, new location active', () => {
    const c = convertText(
      er7(
        MSH('A02'),
        PID,
        seg('PV1', {
          2: 'I',
          3: '3000^3012^02',
          6: '2000^2012^01',
          19: 'V1001^^^GHH^VN',
          44: '202405061200',
        }),
      ),
    );
    const enc = c.one('Encounter');
    expect(enc.status).toBe('in-progress');
    expect(enc.location?.map((l) => [l.location.display, l.status])).toEqual([
      ['2000 2012 01', 'completed'],
      ['3000 3012 02', 'active'],
    ]);
  });

  it('A03 discharge: finished, period.end from PV1-45, location completed', () => {
    const c = convertText(
      er7(
        MSH('A03'),
        PID,
        seg('PV1', {
          2: 'I',
          3: '2000^2012^01',
          19: 'V1001^^^GHH^VN',
          36: '01',
          44: '202405061200',
          45: '20240510093000',
        }),
      ),
    );
    const enc = c.one('Encounter');
    expect(enc.status).toBe('finished');
    expect(enc.period).toEqual({ start: '2024-05-06T12:00:00Z', end: '2024-05-10T09:30:00Z' });
    expect(enc.location?.[0].status).toBe('completed');
    expect(enc.hospitalization?.dischargeDisposition?.coding?.[0].code).toBe('01');
  });

  it('a discharge time before the admission is left out of the period (per-1), and the visit is still finished', () => {
    const c = convertText(
      er7(
        MSH('A08'),
        PID,
        seg('PV1', { 2: 'I', 19: 'V1001^^^GHH^VN', 44: '202405101200', 45: '202405060930' }),
      ),
    );
    const enc = c.one('Encounter');
    expect(enc.status).toBe('finished');
    expect(enc.period).toEqual({ start: '2024-05-10T12:00:00Z' });
    expect(c.warnings).toContainEqual(expect.objectContaining({ code: 'INVALID_VALUE', location: 'PV1-45' }));
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('A04 register: arrived outpatient', () => {
    const enc = convertText(
      er7(MSH('A04'), PID, seg('PV1', { 2: 'O', 3: 'CLINIC^^^GHH', 19: 'V2002^^^GHH^VN' })),
    ).one('Encounter');
    expect(enc).toMatchObject({ status: 'arrived', class: { code: 'AMB' } });
  });

  it('A08 update: the Patient is updated; the Encounter status comes from PV1-44/45', () => {
    const c = convertText(
      er7(MSH('A08'), PID, seg('PV1', { 2: 'E', 19: 'V3003^^^GHH^VN', 44: '202405061200' })),
    );
    expect(c.entry(c.one('Patient')).request?.method).toBe('PUT');
    expect(c.one('Encounter')).toMatchObject({ status: 'in-progress', class: { code: 'EMER' } });
    const noDates = convertText(er7(MSH('A08'), PID, seg('PV1', { 2: 'E', 19: 'V3003^^^GHH^VN' })));
    expect(noDates.one('Encounter').status).toBe('unknown');
  });

  it('A08 with a PV1 that has neither visit number nor admit time writes the visit of that message only', () => {
    const text = er7(MSH('A08'), PID, seg('PV1', { 2: 'O' }));
    const c = convertText(text);
    const enc = c.one('Encounter');
    expect(c.entry(enc).request).toEqual({ method: 'PUT', url: `Encounter/${enc.id}` });
    // A resend writes the same Encounter; another message (another MSH-10) its own.
    expect(convertText(text).one('Encounter').id).toBe(enc.id);
    expect(convertText(text.replace('MSG-A08', 'MSG-A08-2')).one('Encounter').id).not.toBe(enc.id);
  });

  it('A28/A31 person updates write no Encounter; a PV1 saying nothing writes none either', () => {
    expect(convertText(er7(MSH('A31'), PID, 'PV1|1|I|W1')).all('Encounter')).toHaveLength(0);
    expect(convertText(er7(MSH('A01'), PID, 'PV1|1|N')).all('Encounter')).toHaveLength(0);
    expect(convertText(er7(MSH('A01'), PID)).all('Encounter')).toHaveLength(0);
  });

  it('an event only in EVN-1 (pre-2.3 senders) is read from there', () => {
    const c = convertText(er7('MSH|^~\\&|A|F|B|G|20240101||ADT|1|P|2.2', 'EVN|A01|20240101', PID));
    expect(c.one('Provenance').activity?.coding?.[0].code).toBe('A01');
  });
});

describe('PID details', () => {
  it('e-mail addresses wherever a sender puts them', () => {
    const p = convertText(
      er7(
        MSH('A08'),
        seg('PID', {
          3: 'X1^^^GHH',
          13: '5555555555^HOME~6666666666^me@example.org^EMAIL~^NET^X.400^you@example.org',
        }),
      ),
    ).one('Patient');
    expect(p.telecom).toEqual([
      { system: 'phone', value: '5555555555', use: 'home' },
      { system: 'email', value: 'me@example.org', use: 'home' },
      { system: 'email', value: 'you@example.org', use: 'home' },
    ]);
  });

  it('death, multiple birth, birth time, mothers maiden name, alias name', () => {
    const c = convertText(
      er7(
        MSH('A08'),
        seg('PID', {
          3: 'X1^^^GHH^MR',
          5: 'DOE^JANE',
          6: 'SMITH^MARY',
          7: '200001021530-0500',
          8: 'F',
          9: 'DOE^JANIE^^^^^A',
          24: 'Y',
          25: '2',
          29: '202401011200',
          30: 'Y',
        }),
      ),
    );
    const p = c.one('Patient');
    expect(p.birthDate).toBe('2000-01-02');
    expect((p as { _birthDate?: fhir4.Element })._birthDate?.extension?.[0].valueDateTime).toBe(
      '2000-01-02T15:30:00-05:00',
    );
    expect(p.multipleBirthInteger).toBe(2);
    expect(p.deceasedDateTime).toBe('2024-01-01T12:00:00Z');
    expect(p.name?.[1]).toEqual({ use: 'usual', family: 'DOE', given: ['JANIE'] });
    expect(p.extension).toEqual([
      { url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName', valueString: 'SMITH' },
    ]);
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('deceased indicator without a date, partial birth dates', () => {
    const p = convertText(
      er7(MSH('A08'), seg('PID', { 3: 'X1^^^GHH', 5: 'DOE', 7: '198005', 8: 'U', 30: 'N' })),
    ).one('Patient');
    expect(p).toMatchObject({ birthDate: '1980-05', gender: 'unknown', deceasedBoolean: false });
  });
});

describe('failures are values', () => {
  it('unsupported message types and events', () => {
    for (const type of ['ADT^A24', 'ACK^A01', 'VXU^V03', 'MDM^T01']) {
      const result = convertHl7ToFhir(parse(er7(`MSH|^~\\&|A|F|B|G|20240101||${type}|1|P|2.5`, PID)));
      expect(result).toEqual({
        ok: false,
        error: {
          code: 'UNSUPPORTED_MESSAGE_TYPE',
          location: 'MSH-9',
          reason: `message type ${type} is not converted to FHIR`,
        },
      });
    }
  });

  it('missing PID, or a patient without any identifier', () => {
    expect(convertHl7ToFhir(parse(er7(MSH('A01'), PV1)))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_SEGMENT', location: 'PID' },
    });
    expect(convertHl7ToFhir(parse(er7(MSH('A01'), 'PID|1||||DOE^JOHN')))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_PATIENT_IDENTIFIER', location: 'PID-3' },
    });
  });

  it('a patient identifier with no system at all is written by derived id, not by a value-only search', () => {
    const c = convertText(
      er7('MSH|^~\\&|||||20240101||ADT^A01|1|P|2.5', seg('PID', { 3: '12345', 5: 'DOE' })),
    );
    const patient = c.one('Patient');
    expect(patient.identifier).toEqual([{ value: '12345' }]);
    expect(c.entry(patient).request).toEqual({ method: 'PUT', url: `Patient/${patient.id}` });
    expect(c.warnings).toContainEqual(expect.objectContaining({ code: 'MISSING_VALUE', location: 'PID-3' }));
  });

  it('no message time: EVN-2 stands in, with a warning; neither is an error', () => {
    const byEvent = convertText(er7('MSH|^~\\&|A|F|B|G|||ADT^A01|1|P|2.5', 'EVN|A01|202401021530', PID));
    expect(byEvent.one('Provenance').recorded).toBe('2024-01-02T15:30:00Z');
    expect(byEvent.warnings).toContainEqual(
      expect.objectContaining({ code: 'MISSING_VALUE', location: 'MSH-7' }),
    );
  });

  it('no message time, or unusable options', () => {
    expect(convertHl7ToFhir(parse(er7('MSH|^~\\&|A|F|B|G|||ADT^A01|1|P|2.5', PID)))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_MESSAGE_TIME' },
    });
    const m = parse(er7(MSH('A01'), PID));
    expect(convertHl7ToFhir(m, { defaultTimeZone: 'Nowhere/Land' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_OPTIONS' },
    });
    expect(convertHl7ToFhir(m, { recordedAt: 'yesterday' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_OPTIONS' },
    });
  });

  it('a validator rejecting the Bundle fails the conversion without quoting its message', () => {
    const validated: string[] = [];
    const result = convertHl7ToFhir(parse(er7(MSH('A01'), PID)), {
      validate: (r) => {
        const bundle = r as fhir4.Bundle;
        validated.push(bundle.resourceType);
        const patient = bundle.entry?.findIndex((e) => e.resource?.resourceType === 'Patient') ?? -1;
        const path = `Bundle.entry[${patient}].resource.Patient.name[0]`;
        return { valid: false, issues: [{ severity: 'error', path, message: 'EVERYMAN is wrong' }] };
      },
    });
    expect(validated).toEqual(['Bundle']);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'FHIR_VALIDATION_FAILED',
        location: expect.stringMatching(/^Bundle\.entry\[\d+\]\.resource\.Patient\.name\[0\]$/),
        reason: 'produced Patient is not valid FHIR R4',
      },
    });
    const ok = convertHl7ToFhir(parse(er7(MSH('A01'), PID)), { validate: validateFhirResource });
    expect(ok.ok).toBe(true);
  });

  it('never throws on hostile input and never echoes it in warnings', () => {
    const hostile = er7(
      MSH('A01'),
      'PID|1||SECRET1^^^GHH^MR~~""||""^""||SECRETDATE|Q|||^^^^^^^^^^^^^^^|||""|""',
      'PV1|1|""|""|||""^""|||||||||||""|""||||||||||||||||||||||||||notadate|""',
      'NK1|1|""|""',
      'AL1|1|""|""',
      'DG1|1||""',
      'IN1|1|""|""|""',
      'OBX|1|NM|""|""|""|""|""|""|||""',
    );
    const result = convertHl7ToFhir(parse(hostile));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(allStrings(result.bundle).filter((s) => s.includes('""'))).toEqual([]);
    expect(JSON.stringify(result.warnings)).not.toMatch(/SECRET|notadate/);
    expect(validateFhirResource(result.bundle).valid).toBe(true);
  });
});

describe('options', () => {
  const m = parse(er7(MSH('A01'), PID, PV1));

  it('identifierSystems override by namespace or universal id; defaultSystemBase for the rest', () => {
    const c = convertText(m.raw, {
      identifierSystems: {
        GHH: 'https://ghh.example.org/mrn',
        '2.16.840.1.113883.19.5': 'https://ghh.example.org/pi',
      },
      defaultSystemBase: 'urn:acme:',
    });
    expect(c.one('Patient').identifier?.map((i) => i.system)).toEqual([
      'https://ghh.example.org/mrn',
      'http://hl7.org/fhir/sid/us-ssn',
      'https://ghh.example.org/pi',
      'http://hl7.org/fhir/sid/us-ssn',
    ]);
    const ref = c.all('Practitioner').find((p) => p.name?.[0].family === 'REFER');
    expect(ref?.identifier?.[0].system).toBe('urn:acme:GOOD%20HEALTH%20HOSPITAL');
  });

  it('defaultTimeZone applies to times without an offset, recordedAt to the Provenance', () => {
    const c = convertText(m.raw, {
      defaultTimeZone: 'America/New_York',
      recordedAt: '2024-05-06T16:31:00Z',
      integrationId: 'ghh-adt',
    });
    const prov = c.one('Provenance');
    expect(prov.recorded).toBe('2024-05-06T16:31:00Z');
    expect(c.bundle.timestamp).toBe('2024-05-06T16:31:00Z');
    expect(prov.agent?.[1].who.identifier?.value).toBe('ghh-adt');
    const plain = convertText(
      er7(MSH('A03'), PID, seg('PV1', { 2: 'I', 19: 'V1', 44: '202401151200', 45: '202407151200' })),
      {
        defaultTimeZone: 'America/New_York',
      },
    );
    expect(plain.one('Encounter').period).toEqual({
      start: '2024-01-15T12:00:00-05:00',
      end: '2024-07-15T12:00:00-04:00',
    });
  });

  it('updatePatientFromAllMessages switches non-ADT messages from create-if-missing to update', () => {
    const oru = er7(
      MSH('A01').replace('ADT^A01^ADT_A01', 'ORU^R01'),
      PID,
      'OBR|1||F1^LAB|GLU^Glucose^L|||20240101',
      'OBX|1|NM|GLU^Glucose^L||5|mmol/L|||||F',
    );
    const created = convertText(oru);
    expect(created.entry(created.one('Patient')).request).toEqual({
      method: 'POST',
      url: 'Patient',
      ifNoneExist: 'identifier=urn:meridian:id:GHH|PATID1234',
    });
    const updated = convertText(oru, { updatePatientFromAllMessages: true });
    expect(updated.entry(updated.one('Patient')).request).toEqual({
      method: 'PUT',
      url: 'Patient?identifier=urn:meridian:id:GHH|PATID1234',
    });
  });
});
