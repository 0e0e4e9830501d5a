import { validateFhirResource } from '@meridian/fhir';
import { convertHl7ToFhir } from './convert';
import { convertText, er7, parse, seg } from './test-support';

const MSH = (type: string, id: string) => `MSH|^~\\&|PHARM|HOSP|EHR|HOSP|202405061230||${type}|${id}|P|2.5.1`;
const PID = seg('PID', { 1: '1', 3: 'MRN-7^^^HOSP^MR', 5: 'DOE^JANE', 7: '19800101', 8: 'F' });
const PV1 = seg('PV1', { 1: '1', 2: 'I', 3: 'W^101^1', 19: 'V-77^^^HOSP^VN' });
const ORC = (fields: Record<number, string> = {}) =>
  seg('ORC', {
    1: 'NW',
    2: 'ORD-1^CPOE',
    3: 'RX-1^PHARM',
    4: 'GRP-1^CPOE',
    9: '202405061200',
    12: '1234^WELBY^MARCUS^^^^^^NPI^L^^^NPI',
    ...fields,
  });
const AMLODIPINE = '197361^Amlodipine 5 MG Oral Tablet^RXNORM';
const RXE = (fields: Record<number, string> = {}) =>
  seg('RXE', {
    1: '^Q6H^^202405061300^202405101300^R',
    2: AMLODIPINE,
    3: '5',
    5: 'mg^milligram^UCUM',
    6: 'TAB^Tablet^L',
    7: '^Take with water',
    9: 'N',
    10: '30',
    11: 'TAB^Tablet',
    12: '2',
    15: 'RXN-555',
    21: '^Take one tablet every six hours',
    27: 'I10^Essential hypertension^I10',
    32: '202405061150',
    ...fields,
  });
const TQ1 = seg('TQ1', {
  1: '1',
  3: 'Q6H^Every 6 hours^HL70335',
  7: '202405061300',
  8: '202405101300',
  9: 'R',
});
const RXR = 'RXR|PO^Oral^HL70162';

describe('RDE^O11 → MedicationRequest + Medication', () => {
  const c = convertText(
    er7(
      MSH('RDE^O11^RDE_O11', 'RDE-1'),
      PID,
      PV1,
      ORC(),
      RXE(),
      TQ1,
      RXR,
      'NTE|1||Patient prefers liquid if available',
      'OBX|1|NM|29463-7^Body weight^LN||72|kg^kilogram^UCUM|||||F',
    ),
  );
  const request = c.one('MedicationRequest');

  it('identifies the order by placer, filler and prescription number, and matches on the placer', () => {
    expect(request.identifier?.map((i) => [i.system, i.value])).toEqual([
      ['urn:meridian:id:CPOE', 'ORD-1'],
      ['urn:meridian:id:PHARM', 'RX-1'],
      ['urn:meridian:id:HOSP:prescription', 'RXN-555'],
    ]);
    expect(request.groupIdentifier).toMatchObject({ value: 'GRP-1' });
    expect(c.entry(request).request).toEqual({
      method: 'PUT',
      url: 'MedicationRequest?identifier=urn:meridian:id:CPOE|ORD-1',
    });
  });

  it('status and intent from ORC-1/ORC-5; requester ORC-12; authoredOn RXE-32; reason RXE-27; NTE note', () => {
    expect(request.status).toBe('active');
    expect(request.intent).toBe('order');
    expect((c.resolve(request.requester) as fhir4.Practitioner).identifier?.[0]?.value).toBe('1234');
    expect(request.authoredOn).toBe('2024-05-06T11:50:00Z');
    expect(request.reasonCode?.[0]?.coding?.[0]?.code).toBe('I10');
    expect(request.note).toEqual([{ text: 'Patient prefers liquid if available' }]);
    expect(c.resolve(request.subject)).toBe(c.one('Patient'));
    expect(c.resolve(request.encounter)).toBe(c.one('Encounter'));
  });

  it('the give code (RXE-2) and form (RXE-6) are a Medication entry of the Bundle', () => {
    const medication = c.resolve(request.medicationReference) as fhir4.Medication;
    expect(medication.resourceType).toBe('Medication');
    expect(medication.code?.coding?.[0]).toEqual({
      system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
      code: '197361',
      display: 'Amlodipine 5 MG Oral Tablet',
    });
    expect(medication.form?.coding?.[0]?.code).toBe('TAB');
    expect(c.entry(medication).request?.url).toMatch(/^Medication\/[0-9a-f-]{36}$/);
  });

  it('dosage: RXE-3/5 dose, TQ1 timing, RXR route, RXE-21 text, RXE-7 additional instruction', () => {
    const dosage = request.dosageInstruction?.[0];
    expect(dosage?.doseAndRate?.[0]?.doseQuantity).toEqual({
      value: 5,
      unit: 'mg',
      system: 'http://unitsofmeasure.org',
      code: 'mg',
    });
    expect(dosage?.timing?.code?.coding?.[0]).toEqual({
      system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
      code: 'Q6H',
    });
    expect(dosage?.timing?.repeat).toEqual({
      frequency: 1,
      period: 6,
      periodUnit: 'h',
      boundsPeriod: { start: '2024-05-06T13:00:00Z', end: '2024-05-10T13:00:00Z' },
    });
    expect(dosage?.route?.coding?.[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/v2-0162',
      code: 'PO',
    });
    expect(dosage?.text).toBe('Take one tablet every six hours');
    expect(dosage?.additionalInstruction?.[0]?.text).toBe('Take with water');
  });

  it('dispense request (RXE-10/11 amount, RXE-12 refills) and substitution (RXE-9, table 0167)', () => {
    expect(request.dispenseRequest?.quantity).toEqual({ value: 30, unit: 'Tablet' });
    expect(request.dispenseRequest?.numberOfRepeatsAllowed).toBe(2);
    expect(request.substitution?.allowedCodeableConcept?.coding?.[0]).toEqual({
      system: 'http://terminology.hl7.org/CodeSystem/v2-0167',
      code: 'N',
    });
  });

  it('OBX of the order are supporting information', () => {
    expect(request.supportingInformation?.map((r) => c.resolve(r))).toEqual([c.one('Observation')]);
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });
});

describe('RDE^O11 variants', () => {
  const convert = (...order: string[]) => convertText(er7(MSH('RDE^O11', 'RDE-2'), PID, ...order));

  it('a dose range (RXE-3 to RXE-4) and timing from RXE-1 when there is no TQ1; PRN → as needed', () => {
    const c = convert(ORC(), RXE({ 1: '^BID^^20240506^^PRN', 4: '10' }));
    const dosage = c.one('MedicationRequest').dosageInstruction?.[0];
    expect(dosage?.doseAndRate?.[0]?.doseRange).toEqual({
      low: { value: 5, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' },
      high: { value: 10, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' },
    });
    expect(dosage?.timing?.repeat).toEqual({
      frequency: 2,
      period: 1,
      periodUnit: 'd',
      boundsPeriod: { start: '2024-05-06' },
    });
    expect(dosage?.asNeededBoolean).toBe(true);
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('without TQ1 or RXE-1 the timing comes from ORC-7; a route without coding system is read in table 0162', () => {
    const c = convert(ORC({ 7: '^TID^^20240506' }), RXE({ 1: '' }), 'RXR|IV');
    const dosage = c.one('MedicationRequest').dosageInstruction?.[0];
    expect(dosage?.timing?.repeat).toEqual({
      frequency: 3,
      period: 1,
      periodUnit: 'd',
      boundsPeriod: { start: '2024-05-06' },
    });
    expect(dosage?.route?.coding?.[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/v2-0162',
      code: 'IV',
    });
  });

  it('a maximum below the minimum (RXE-4 < RXE-3) is not a range: the minimum is the dose, with a warning', () => {
    const c = convert(ORC(), RXE({ 3: '10', 4: '5' }));
    expect(c.one('MedicationRequest').dosageInstruction?.[0]?.doseAndRate?.[0]).toEqual({
      doseQuantity: { value: 10, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' },
    });
    expect(c.warnings).toContainEqual(expect.objectContaining({ code: 'INVALID_VALUE', location: 'RXE-4' }));
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('an end before the start, or one that cannot be ordered with it, is left out with a warning', () => {
    for (const [start, end] of [
      ['202405061300', '202405011300'],
      ['20240506', '202405061300'],
    ]) {
      const c = convert(ORC(), RXE(), seg('TQ1', { 1: '1', 7: start, 8: end }));
      const bounds = c.one('MedicationRequest').dosageInstruction?.[0]?.timing?.repeat?.boundsPeriod;
      expect(bounds?.end).toBeUndefined();
      expect(bounds?.start).toBeDefined();
      expect(c.warnings).toContainEqual(
        expect.objectContaining({ code: 'INVALID_VALUE', location: 'TQ1-8' }),
      );
      expect(validateFhirResource(c.bundle).valid).toBe(true);
    }
    const ordered = convert(ORC(), RXE(), seg('TQ1', { 1: '1', 7: '20240506', 8: '202405071300' }));
    expect(ordered.one('MedicationRequest').dosageInstruction?.[0]?.timing?.repeat?.boundsPeriod).toEqual({
      start: '2024-05-06',
      end: '2024-05-07T13:00:00Z',
    });
  });

  it('a repeat pattern in no code system is kept as text', () => {
    const c = convert(ORC(), RXE({ 1: '^EVERY MORNING' }));
    expect(c.one('MedicationRequest').dosageInstruction?.[0]?.timing).toEqual({
      code: { text: 'EVERY MORNING' },
    });
  });

  it.each([
    [{ 1: 'DC' }, 'stopped'],
    [{ 1: 'CA' }, 'cancelled'],
    [{ 1: 'NW', 5: 'CM' }, 'completed'],
    [{ 1: 'HD' }, 'on-hold'],
    [{ 1: 'XO', 5: 'ER' }, 'entered-in-error'],
  ])('ORC %j → status %s', (fields, status) => {
    expect(convert(ORC(fields), RXE()).one('MedicationRequest').status).toBe(status);
  });

  it('an order control code without a status is unknown, with a warning; a child order is an instance-order', () => {
    const c = convert(ORC({ 1: 'ZZ' }), RXE());
    expect(c.one('MedicationRequest').status).toBe('unknown');
    expect(c.warnings).toContainEqual(expect.objectContaining({ code: 'UNMAPPED_CODE', location: 'ORC-5' }));
    expect(convert(ORC({ 1: 'CH' }), RXE()).one('MedicationRequest').intent).toBe('instance-order');
  });

  it('two orders, each its own request; the same drug is one Medication', () => {
    const c = convert(ORC(), RXE(), ORC({ 2: 'ORD-2^CPOE', 3: 'RX-2^PHARM' }), RXE({ 15: 'RXN-556' }));
    expect(c.all('MedicationRequest')).toHaveLength(2);
    expect(c.all('Medication')).toHaveLength(1);
  });

  it('refuses an RDE without PID, ORC or RXE, naming the segment only', () => {
    const cases: [string, string][] = [
      [er7(MSH('RDE^O11', 'X'), ORC(), RXE()), 'PID'],
      [er7(MSH('RDE^O11', 'X'), PID), 'ORC'],
      [er7(MSH('RDE^O11', 'X'), PID, ORC(), RXR), 'RXE'],
    ];
    for (const [text, location] of cases) {
      const result = convertHl7ToFhir(parse(text));
      expect(result).toMatchObject({ ok: false, error: { code: 'MISSING_SEGMENT', location } });
      if (!result.ok) expect(result.error.reason).not.toMatch(/ORD-1|DOE|MRN/);
    }
  });
});

describe('RDS^O13 → MedicationDispense', () => {
  const RXD = (fields: Record<number, string> = {}) =>
    seg('RXD', {
      1: '1',
      2: '00069-1530-30^Norvasc 5 mg tablet^NDC',
      3: '202405071000',
      4: '30',
      5: 'TAB^Tablet',
      7: 'RXN-555',
      9: 'Dispensed as brand',
      10: '5555^PILL^PAT^^^^^^NPI^L^^^NPI',
      11: 'G',
      18: 'LOT-1',
      19: '20260101',
      ...fields,
    });
  const rds = (...order: string[]) => convertText(er7(MSH('RDS^O13^RDS_O13', 'RDS-1'), PID, ...order));
  const c = rds(ORC({ 1: 'RE', 5: 'CM' }), RXE(), RXD(), RXR, 'NTE|1||Counselled');
  const dispense = c.one('MedicationDispense');

  it('maps RXD: code, date dispensed, quantity, dispensing provider, substitution; status completed', () => {
    expect(dispense.status).toBe('completed');
    const medication = c.resolve(dispense.medicationReference) as fhir4.Medication;
    expect(medication.code?.coding?.[0]).toMatchObject({
      system: 'http://hl7.org/fhir/sid/ndc',
      code: '00069-1530-30',
    });
    expect(medication.batch).toEqual({ lotNumber: 'LOT-1', expirationDate: '2026-01-01' });
    expect(dispense.whenHandedOver).toBe('2024-05-07T10:00:00Z');
    expect(dispense.quantity).toEqual({ value: 30, unit: 'Tablet' });
    expect((c.resolve(dispense.performer?.[0]?.actor) as fhir4.Practitioner).identifier?.[0]?.value).toBe(
      '5555',
    );
    expect(dispense.substitution).toMatchObject({ wasSubstituted: true, type: { coding: [{ code: 'G' }] } });
    expect(dispense.note).toEqual([{ text: 'Dispensed as brand' }, { text: 'Counselled' }]);
    expect(dispense.dosageInstruction?.[0]?.route?.coding?.[0]?.code).toBe('PO');
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('is authorized by the MedicationRequest of ORC + RXE, which the dispense creates only if missing', () => {
    const request = c.one('MedicationRequest');
    expect(dispense.authorizingPrescription?.[0]?.reference).toBe(c.entry(request).fullUrl);
    expect(dispense.authorizingPrescription?.[0]?.identifier?.value).toBe('ORD-1');
    expect(c.entry(request).request).toEqual({
      method: 'POST',
      url: 'MedicationRequest',
      ifNoneExist: 'identifier=urn:meridian:id:CPOE|ORD-1',
    });
    expect(request.status).toBe('completed');
  });

  it('a resend targets the same dispense; a refill (next RXD-1, later date) is another', () => {
    const again = rds(ORC({ 1: 'RE', 5: 'CM' }), RXE(), RXD(), RXR);
    expect(again.entry(again.one('MedicationDispense')).request).toEqual(c.entry(dispense).request);
    expect(c.entry(dispense).request?.url).toMatch(/^MedicationDispense\/[0-9a-f-]{36}$/);
    const refill = rds(ORC({ 1: 'RE', 5: 'CM' }), RXE(), RXD({ 1: '2', 3: '202406071000' }));
    expect(refill.entry(refill.one('MedicationDispense')).request?.url).not.toBe(
      c.entry(dispense).request?.url,
    );
  });

  it('without RXE the order is referenced by its number: ORC-2, else the prescription number RXD-7', () => {
    const byPlacer = rds(ORC({ 1: 'RE' }), RXD()).one('MedicationDispense');
    expect(byPlacer.authorizingPrescription).toEqual([
      {
        type: 'MedicationRequest',
        identifier: expect.objectContaining({ system: 'urn:meridian:id:CPOE', value: 'ORD-1' }),
      },
    ]);
    const byRx = rds(seg('ORC', { 1: 'RE' }), RXD());
    expect(byRx.all('MedicationRequest')).toHaveLength(0);
    expect(byRx.one('MedicationDispense').authorizingPrescription).toEqual([
      {
        type: 'MedicationRequest',
        identifier: { system: 'urn:meridian:id:HOSP:prescription', value: 'RXN-555' },
      },
    ]);
    expect(validateFhirResource(byRx.bundle).valid).toBe(true);
  });

  it('a substitution status that does not say whether a substitute was given is left out, with a warning', () => {
    const d = rds(ORC(), RXD({ 11: '0' }));
    expect(d.one('MedicationDispense').substitution).toBeUndefined();
    expect(d.warnings).toContainEqual(expect.objectContaining({ code: 'UNMAPPED_CODE', location: 'RXD-11' }));
  });

  it('refuses an RDS order without RXD, naming the segment only', () => {
    const result = convertHl7ToFhir(parse(er7(MSH('RDS^O13', 'X'), PID, ORC(), RXE())));
    expect(result).toMatchObject({ ok: false, error: { code: 'MISSING_SEGMENT', location: 'RXD' } });
  });
});
