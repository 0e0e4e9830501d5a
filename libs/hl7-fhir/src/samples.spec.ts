import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHl7Bytes, parseHl7, splitBatch } from '@meridian/hl7';
import { validateFhirResource } from '@meridian/fhir';
import { convertHl7ToFhir } from './convert';
import { EXT_Z_SEGMENT } from './resources/provenance';
import { UCUM } from './systems';
import { allStrings, type Converted, convertSample, converted, parse, SHARED_SAMPLES } from './test-support';

// Facts from libs/hl7/fixtures/SOURCES.md, one block per sample, asserted on the produced Bundle.

const idValues = (p: fhir4.Patient) => (p.identifier ?? []).map((i) => i.value);
const identifier = (p: fhir4.Patient, value: string) => p.identifier?.find((i) => i.value === value);
const typeCode = (i: fhir4.Identifier | undefined) => i?.type?.coding?.[0]?.code;
const obsByCode = (c: Converted, code: string) =>
  c.all('Observation').filter((o) => o.code.coding?.[0]?.code === code);

function expectNoNullLiteral(c: Converted): void {
  expect(allStrings(c.bundle).filter((s) => s.includes('""'))).toEqual([]);
  expect(JSON.stringify(c.bundle)).not.toContain('""');
}

function expectValid(c: Converted): void {
  const result = validateFhirResource(c.bundle);
  expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
  expect(result.valid).toBe(true);
}

describe('adt_a01_pythonhl7_1 (v2.3, explicit nulls, spaces, non-table codes)', () => {
  const c = convertSample('adt_a01_pythonhl7_1.hl7');
  const patient = c.one('Patient');

  it('identifiers: MR 2148790 (MSH_MRN, also PID-2) once, 162840 typed CM (MSH_EMPI), account and SSN', () => {
    const mrn = identifier(patient, '2148790');
    expect(mrn).toMatchObject({ system: 'urn:meridian:id:MSH_MRN', assigner: { display: 'MSH_MRN' } });
    expect(typeCode(mrn)).toBe('MR');
    expect(idValues(patient).filter((v) => v === '2148790')).toHaveLength(1);
    const empi = identifier(patient, '162840');
    expect(empi?.system).toBe('urn:meridian:id:MSH_EMPI');
    expect(typeCode(empi)).toBe('CM');
    expect(idValues(patient)).toEqual(expect.arrayContaining(['O75622322', '125544697']));
    expect(identifier(patient, '125544697')?.system).toBe('http://hl7.org/fhir/sid/us-ssn');
    // Leading/trailing spaces are not kept (PID-4 'DONOR ', PV1-5 ' 863968').
    expect(allStrings(c.bundle).filter((s) => s !== s.trim())).toEqual([]);
    expect(c.entry(patient).request?.url).toBe('Patient?identifier=urn:meridian:id:MSH_MRN|2148790');
  });

  it('name, birth date, gender, address and telecom', () => {
    expect(patient.name?.[0]).toMatchObject({ family: 'RUFUSS', given: ['MELLODIAL'] });
    expect(patient.birthDate).toBe('1952-11-29');
    expect(patient.gender).toBe('female');
    expect(patient.address?.[0]).toMatchObject({
      line: ['221 CANVIEW AVENUE', '66-D'],
      city: 'BRONX',
      state: 'NY',
      postalCode: '10454',
      country: 'USA',
    });
    expect(patient.telecom?.map((t) => t.value)).toEqual(['3472444150', '(000)000-0000']);
  });

  it('encounter: IMP, in progress (PV1-45 is "" = null, not a discharge), VN 01, start', () => {
    const enc = c.one('Encounter');
    expect(enc.class.code).toBe('IMP');
    expect(enc.status).toBe('in-progress');
    expect(enc.identifier?.[0].value).toBe('01');
    expect(typeCode(enc.identifier?.[0])).toBe('VN');
    expect(enc.period).toEqual({ start: '2014-02-10T22:53:00Z' });
    expect(c.resolve(enc.subject)).toBe(patient);
  });

  it('condition ICD-9 440.21 linked to the encounter', () => {
    const cond = c.one('Condition');
    expect(cond.code?.coding?.[0]).toMatchObject({
      system: 'http://hl7.org/fhir/sid/icd-9-cm',
      code: '440.21',
    });
    expect(c.resolve(cond.encounter)).toBe(c.one('Encounter'));
    expect(c.one('Encounter').diagnosis?.[0].condition.reference).toBe(c.entry(cond).fullUrl);
  });

  it('three coverages; "" never surfaces; valid', () => {
    expect(c.all('Coverage')).toHaveLength(3);
    expectNoNullLiteral(c);
    expectValid(c);
  });
});

describe('adt_a01_glion_1 (escapes)', () => {
  const c = convertSample('adt_a01_glion_1.hl7');
  it('unescapes \\T\\ \\S\\ in the name and every escape in ST', () => {
    const patient = c.one('Patient');
    expect(identifier(patient, '12345')?.system).toBe('urn:meridian:id:MRN');
    expect(patient.name?.[0]).toEqual({ family: 'DOE&SMITH', given: ['JOHN^JANE'] });
    expect(patient.birthDate).toBe('1980-01-01');
    expect(patient.gender).toBe('male');
    const obs = c.one('Observation');
    expect(obs.code.coding?.[0].code).toBe('NOTE');
    expect(obs.valueString).toBe(
      'Result contains pipe | and ampersand & and caret ^ and tilde ~ and backslash \\ chars',
    );
    expect(obs.status).toBe('final');
    expectValid(c);
  });
});

describe('adt_a01_glion_2 (Z-segments)', () => {
  const c = convertSample('adt_a01_glion_2.hl7');
  it('converts the patient and keeps ZVN/ZPD verbatim in the Provenance, with a warning that quotes nothing', () => {
    const patient = c.one('Patient');
    expect(identifier(patient, '99999')?.system).toBe('urn:meridian:id:MRN');
    expect(patient.name?.[0]).toEqual({ family: 'TEST', given: ['PATIENT'] });
    expect(patient.birthDate).toBe('1990-01-01');
    expect(patient.gender).toBe('male');
    const kept = c
      .one('Provenance')
      .entity?.[0].extension?.filter((e) => e.url === EXT_Z_SEGMENT)
      .map((e) => e.valueString);
    expect(kept).toEqual([
      'ZVN|1|CUSTOM_VENDOR_DATA|VALUE1^VALUE2^VALUE3',
      'ZPD|1|EXTENDED_FIELD_1|EXTENDED_FIELD_2|EXTENDED_FIELD_3|EXTENDED_FIELD_4',
    ]);
    expect(c.warnings.map((w) => [w.code, w.location])).toEqual([
      ['Z_SEGMENT_KEPT', 'ZVN'],
      ['Z_SEGMENT_KEPT', 'ZPD'],
    ]);
    expect(JSON.stringify(c.warnings)).not.toMatch(/CUSTOM|VALUE1|EXTENDED/);
    expectValid(c);
  });
});

describe('adt_a01_glion_3 (UTF-8 without MSH-18)', () => {
  const c = convertSample('adt_a01_glion_3.hl7');
  it('keeps non-ASCII names and address; NK1 → RelatedPerson spouse', () => {
    const patient = c.one('Patient');
    expect(identifier(patient, '54321')?.system).toBe('urn:meridian:id:MRN');
    expect(patient.name?.[0]).toEqual({ family: 'MÜLLER', given: ['JOSÉ', 'Ñ'] });
    expect(patient.birthDate).toBe('1975-03-15');
    expect(patient.gender).toBe('male');
    expect(patient.address?.[0]).toEqual({
      line: ['Straße der Einheit 42'],
      city: 'München',
      state: 'BY',
      postalCode: '80331',
      country: 'DEU',
    });
    const rp = c.one('RelatedPerson');
    expect(rp.name?.[0]).toEqual({ family: 'GARCÍA', given: ['FRANÇOISE'] });
    expect(rp.relationship?.[0].coding?.[0]).toMatchObject({ code: 'SPO', display: 'Spouse' });
    expect(c.resolve(rp.patient)).toBe(patient);
    expectValid(c);
  });
});

describe('adt_a01_glion_4 (custom delimiters #!@%*)', () => {
  const c = convertSample('adt_a01_glion_4.hl7');
  it('reads the message with its own delimiters', () => {
    const patient = c.one('Patient');
    expect(identifier(patient, '12345')?.system).toBe('urn:meridian:id:MRN');
    expect(patient.name?.[0]).toEqual({ family: 'DOE', given: ['JOHN', 'A'] });
    expect(patient.birthDate).toBe('1980-01-01');
    expect(patient.gender).toBe('male');
    expect(c.one('Provenance').activity?.coding?.[0].code).toBe('A01');
  });
});

describe('adt_a01_glion_5 (12 repetitions of PID-13)', () => {
  const c = convertSample('adt_a01_glion_5.hl7');
  it('keeps 12 home phones in order', () => {
    const patient = c.one('Patient');
    expect(identifier(patient, '10001')?.system).toBe('urn:meridian:id:MRN');
    expect(patient.name?.[0]).toEqual({ family: 'JONES', given: ['MANY', 'PHONES'] });
    expect(patient.birthDate).toBe('1985-01-01');
    expect(patient.gender).toBe('female');
    expect(patient.address?.[0]).toMatchObject({
      line: ['100 MAIN ST'],
      city: 'CITY',
      state: 'ST',
      postalCode: '12345',
    });
    const expected = Array.from({ length: 12 }, (_, i) => `555-${String(i + 1).padStart(4, '0')}`);
    expect(patient.telecom).toEqual(expected.map((value) => ({ system: 'phone', value, use: 'home' })));
  });
});

describe('adt_a04_simplehl7_1 (v2.5 A04)', () => {
  const c = convertSample('adt_a04_simplehl7_1.hl7');
  const patient = c.one('Patient');
  it('identifiers, demographics, telecom', () => {
    const pid2 = identifier(patient, '0493575');
    expect(pid2?.assigner?.display).toBe('2');
    expect(pid2?.type?.text).toBe('ID 1');
    // PID-3 names no authority: its system is the sender's.
    expect(identifier(patient, '454721')?.system).toBe('urn:meridian:id:EPICADT');
    expect(c.entry(patient).request?.url).toBe('Patient?identifier=urn:meridian:id:EPICADT|454721');
    expect(patient.name?.[0]).toEqual({ family: 'DOE', given: ['JOHN'] });
    expect(patient.birthDate).toBe('1948-02-03');
    expect(patient.gender).toBe('male');
    expect(patient.address?.[0]).toMatchObject({
      line: ['254 MYSTREET AVE'],
      city: 'MYTOWN',
      state: 'OH',
      postalCode: '44123',
      country: 'USA',
    });
    expect(patient.telecom).toEqual([{ system: 'phone', value: '(216)123-4567', use: 'home' }]);
  });

  it('NK1 → RelatedPerson SPO with contact role EC', () => {
    const rp = c.one('RelatedPerson');
    expect(rp.name?.[0]).toEqual({ family: 'ROE', given: ['MARIE'] });
    expect(rp.relationship?.flatMap((r) => r.coding?.map((x) => x.code))).toEqual(['SPO', 'SPS', 'EC']);
  });

  it('encounter AMB, VN 2688684, start without offset read as UTC, attending 277', () => {
    const enc = c.one('Encounter');
    expect(enc.class.code).toBe('AMB');
    expect(enc.status).toBe('arrived');
    expect(enc.identifier?.[0]).toMatchObject({ value: '2688684' });
    expect(typeCode(enc.identifier?.[0])).toBe('VN');
    expect(enc.period?.start).toBe('1999-12-27T14:08:00Z');
    const attending = c.resolve(enc.participant?.[0].individual) as fhir4.Practitioner;
    expect(enc.participant?.[0].type?.[0].coding?.[0].code).toBe('ATND');
    expect(attending.identifier?.[0].value).toBe('277');
    expect(attending.name?.[0]).toEqual({ family: 'ALLEN MYLASTNAME', given: ['BONNIE'] });
    // PV1-3 repeats although it must not: first repetition used, reported.
    expect(c.warnings).toContainEqual(
      expect.objectContaining({ code: 'UNEXPECTED_REPETITION', location: 'PV1-3' }),
    );
    expectValid(c);
  });
});

describe('orm_o01_simplehl7_1 (minimal v2.3 order)', () => {
  const c = convertSample('orm_o01_simplehl7_1.hl7');
  it('patient, encounter and the active ServiceRequest', () => {
    const patient = c.one('Patient');
    expect(idValues(patient)).toEqual(['12001']);
    expect(patient.name?.[0]).toEqual({ family: 'Jones', given: ['John'], prefix: ['Mr.'] });
    expect(patient.birthDate).toBe('1967-08-24');
    expect(patient.gender).toBe('male');
    expect(patient.address?.[0]).toMatchObject({
      line: ['123 West St.'],
      city: 'Denver',
      state: 'CO',
      postalCode: '80020',
      country: 'USA',
    });
    const enc = c.one('Encounter');
    expect(enc.class.code).toBe('AMB');
    const attending = c.resolve(enc.participant?.[0].individual) as fhir4.Practitioner;
    expect(attending.identifier?.[0].value).toBe('2342');
    expect(attending.name?.[0]).toEqual({ family: 'Jones', given: ['Bob'] });
    const sr = c.one('ServiceRequest');
    expect(sr.status).toBe('active');
    expect(sr.intent).toBe('order');
    const placer = sr.identifier?.find((i) => typeCode(i) === 'PLAC');
    expect(placer?.value).toBe('20060307110114');
    expect(sr.code?.coding?.[0]).toMatchObject({
      code: '003038',
      display: 'Urinalysis',
      system: 'urn:meridian:codesystem:L',
    });
    expect(c.resolve(sr.subject)).toBe(patient);
    expect(c.entry(sr).request?.url).toBe(
      'ServiceRequest?identifier=urn:meridian:id:MedCenter|20060307110114',
    );
    expectValid(c);
  });
});

describe('oru_r01_simplehl7_1 (lipid panel)', () => {
  const c = convertSample('oru_r01_simplehl7_1.hl7');
  it('patient and NPI general practitioner', () => {
    const patient = c.one('Patient');
    expect(identifier(patient, '94000000000')?.assigner?.display).toBe('Priority Health');
    expect(patient.name?.[0]).toEqual({ family: 'LASTNAME', given: ['FIRSTNAME', 'INIT'] });
    expect(patient.birthDate).toBe('1946-01-01');
    expect(patient.gender).toBe('male');
    const gp = c.resolve(patient.generalPractitioner?.[0]) as fhir4.Practitioner;
    expect(gp.identifier?.[0]).toMatchObject({
      system: 'http://hl7.org/fhir/sid/us-npi',
      value: '1234567890',
    });
    expect(gp.name?.[0].family).toBe('PCPLAST');
  });

  it('report JLPF with five results, H flags, mg/dL, final, effective from OBX-14', () => {
    const report = c.one('DiagnosticReport');
    expect(report.code.coding?.[0]).toMatchObject({ code: 'JLPF', display: 'Lipid Panel - C' });
    expect(report.issued).toBe('2008-05-11T10:35:29Z');
    expect(report.result).toHaveLength(5);
    const values = ['JHDL', 'JTRIG', 'JVLDL', 'JLDL', 'JCHO'].map((code) => obsByCode(c, code)[0]);
    expect(values.map((o) => o.valueQuantity?.value)).toEqual([62, 72, 14, 134, 210]);
    expect(values.map((o) => o.interpretation?.[0]?.coding?.[0]?.code ?? null)).toEqual([
      null,
      null,
      null,
      'H',
      'H',
    ]);
    for (const o of values) {
      expect(o.valueQuantity).toMatchObject({ unit: 'mg/dL', system: UCUM, code: 'mg/dL' });
      expect(o.valueQuantity?.extension?.[0].valueCoding?.code).toBe('CD:289');
      expect(o.status).toBe('final');
      expect(o.effectiveDateTime).toBe('2008-05-11T10:35:00Z');
      expect(report.result?.map((r) => r.reference)).toContain(c.entry(o).fullUrl);
    }
    expect(values[1].referenceRange?.[0]).toMatchObject({
      low: { value: 35 },
      high: { value: 150 },
      text: '35-150',
    });
    expect(values[0].referenceRange?.[0]).toMatchObject({ low: { value: 40 }, text: '>40' });
    expect(values[2].referenceRange).toBeUndefined();
    expectNoNullLiteral(c);
    expectValid(c);
  });
});

describe('oru_r01_simplehl7_2 (VAERS, malformed in many ways)', () => {
  const c = convertSample('oru_r01_simplehl7_2.hl7');
  it('patient identifiers SR/LR/MR, name, address with district', () => {
    const patient = c.one('Patient');
    expect(patient.identifier?.map((i) => [i.value, typeCode(i)])).toEqual([
      ['1234', 'SR'],
      ['1234-12', 'LR'],
      ['00725', 'MR'],
    ]);
    expect(c.entry(patient).request?.ifNoneExist).toBe('identifier=urn:meridian:id:GA0000|00725');
    expect(patient.name?.[0]).toMatchObject({ family: 'Doe', given: ['John', 'Fitzgerald'], suffix: ['JR'] });
    expect(patient.birthDate).toBe('2000-10-07');
    expect(patient.gender).toBe('male');
    expect(patient.address?.[0]).toEqual({
      type: 'postal',
      line: ['123 Peachtree St', 'APT 3B'],
      city: 'Atlanta',
      district: 'GA067',
      state: 'GA',
      postalCode: '30210',
    });
  });

  it('numbers with leading zeros, ANSI units as UCUM, coded outcomes', () => {
    expect(obsByCode(c, '21612-7')[0].valueQuantity).toEqual({
      value: 5,
      unit: 'mo',
      system: UCUM,
      code: 'mo',
    });
    expect(obsByCode(c, '30950-0')[0].valueQuantity).toEqual({
      value: 2,
      unit: 'd',
      system: UCUM,
      code: 'd',
    });
    const outcomes = obsByCode(c, '30949-2').map((o) => o.valueCodeableConcept?.coding?.[0]);
    expect(outcomes.map((x) => [x?.code, x?.system])).toEqual([
      ['E', 'urn:meridian:codesystem:NIP005'],
      ['H', 'urn:meridian:codesystem:NIP005'],
    ]);
  });

  it('warns per broken line, without quoting values', () => {
    const at = (code: string) => c.warnings.filter((w) => w.code === code).map((w) => w.location);
    expect(at('INVALID_DATE')).toEqual(expect.arrayContaining(['MSH-7']));
    expect(at('UNKNOWN_VALUE_TYPE')).toContain('OBX[11]-2');
    expect(at('INVALID_NUMBER')).toContain('OBX[16]-5');
    expect(c.one('Provenance').recorded).toBe('2001-03-31T00:00:00Z');
    const text = JSON.stringify(c.warnings);
    for (const phi of ['Doe', '1234', '01I', '12345678', 'Peachtree', 'CE30955'])
      expect(text).not.toContain(phi);
    expectValid(c);
  });
});

describe('oru_r01_pythonhl7_1 (GHH example: invalid PID-7, shifted OBR, FN type)', () => {
  const c = convertSample('oru_r01_pythonhl7_1.hl7');
  it('drops the invalid birth date with a warning', () => {
    const patient = c.one('Patient');
    expect(idValues(patient)).toContain('555-44-4444');
    expect(patient.name?.[0]).toMatchObject({ family: 'EVERYWOMAN', given: ['EVE', 'E'] });
    expect(patient.birthDate).toBeUndefined();
    expect(patient.gender).toBe('female');
    expect(c.warnings).toContainEqual(expect.objectContaining({ code: 'INVALID_DATE', location: 'PID-7' }));
  });

  it('report 1554-5 with status not derivable; SN ^182 → 182 mg/dl H; FN → warning + valueString', () => {
    const report = c.one('DiagnosticReport');
    expect(report.code.coding?.[0]).toMatchObject({ code: '1554-5', display: 'GLUCOSE' });
    expect(report.status).toBe('unknown');
    expect(c.warnings).toContainEqual(expect.objectContaining({ code: 'MISSING_VALUE', location: 'OBR-25' }));
    const [first, second] = c.all('Observation');
    expect(first.valueQuantity).toEqual({ value: 182, unit: 'mg/dl', system: UCUM, code: 'mg/dl' });
    expect(first.interpretation?.[0].coding?.[0].code).toBe('H');
    expect(first.status).toBe('final');
    expect(second.valueString).toBe('182');
    expect(c.warnings).toContainEqual(
      expect.objectContaining({ code: 'UNKNOWN_VALUE_TYPE', location: 'OBX[2]-2' }),
    );
    expectValid(c);
  });
});

describe('malformed_adt_a01_glion_1 (CRLF)', () => {
  it('gives the same result as a CR version, with no LF in values', () => {
    const c = convertSample('malformed_adt_a01_glion_1.hl7');
    const patient = c.one('Patient');
    expect(identifier(patient, '12345')?.system).toBe('urn:meridian:id:MRN');
    expect(patient.name?.[0]).toEqual({ family: 'DOE', given: ['JOHN'] });
    expect(patient.birthDate).toBe('1980-01-01');
    expect(patient.gender).toBe('male');
    const enc = c.one('Encounter');
    expect(enc.class.code).toBe('IMP');
    expect(c.one('Location').name).toBe('ICU 101 A');
    expect(allStrings(c.bundle).filter((s) => /[\r\n]/.test(s))).toEqual([]);
    const text = readFileSync(join(SHARED_SAMPLES, 'malformed_adt_a01_glion_1.hl7'), 'utf8');
    const cr = converted(convertHl7ToFhir(parse(text.replace(/\r\n/g, '\r'))));
    expect(cr.bundle).toEqual(c.bundle);
  });
});

describe('unparseable samples never reach the converter', () => {
  it('malformed_nomsh_glion_1 is a parse error naming the missing MSH', () => {
    const parsed = parseHl7(readFileSync(join(SHARED_SAMPLES, 'malformed_nomsh_glion_1.hl7'), 'utf8'));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.reason).toMatch(/MSH/);
  });

  it('malformed_segid_glion_1 is rejected at segment 2, so no Patient without identifiers is produced', () => {
    const parsed = parseHl7(readFileSync(join(SHARED_SAMPLES, 'malformed_segid_glion_1.hl7'), 'utf8'));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.sequence).toBe(2);
  });
});

describe('batch_adt_a04_pythonhl7_1 (three messages)', () => {
  const batch = splitBatch(
    decodeHl7Bytes(readFileSync(join(SHARED_SAMPLES, 'batch_adt_a04_pythonhl7_1.hl7'))),
  );
  if (!batch.ok) throw new Error('batch does not split');
  const results = batch.batch.messages.map((text) => converted(convertHl7ToFhir(parse(text))));

  it('converts each message: identifier 0000112234 (authority 100, type A), invalid PID-7 dropped, class AMB', () => {
    expect(results).toHaveLength(3);
    for (const c of results) {
      const patient = c.one('Patient');
      expect(identifier(patient, '0000112234')).toMatchObject({
        system: 'urn:meridian:id:100',
        type: { text: 'A' },
      });
      expect(patient.name?.[0].family).toBe('XXXXXXXXXX');
      expect(patient.birthDate).toBeUndefined();
      expect(patient.gender).toBeUndefined();
      expect(patient.address?.[0]).toEqual({ city: 'RICHMOND', postalCode: '3121' });
      expect(c.one('Encounter').class.code).toBe('AMB');
      expect(c.warnings).toContainEqual(expect.objectContaining({ code: 'INVALID_DATE', location: 'PID-7' }));
      expect(c.warnings).toContainEqual(
        expect.objectContaining({ code: 'UNMAPPED_CODE', location: 'PID-8' }),
      );
      expectValid(c);
    }
  });

  it('messages sharing MSH-10 give the same Bundle and Provenance ids (dedupe downstream)', () => {
    expect(results[0].bundle.id).toBe(results[2].bundle.id);
    expect(results[0].bundle.id).not.toBe(results[1].bundle.id);
    expect(results[0].bundle).toEqual(results[2].bundle);
  });
});

describe('every convertible sample', () => {
  it.each([
    'adt_a01_glion_1.hl7',
    'adt_a04_simplehl7_1.hl7',
    'oru_r01_simplehl7_2.hl7',
    'orm_o01_simplehl7_1.hl7',
  ])('%s converts byte-identically twice (deterministic ids)', (name) => {
    expect(JSON.stringify(convertSample(name).bundle)).toBe(JSON.stringify(convertSample(name).bundle));
  });
});
