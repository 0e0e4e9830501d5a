import { validateFhirResource } from '@meridian/fhir';
import { convertHl7ToFhir } from './convert';
import { EXT_ORIGINAL_UNIT } from './resources/observation-value';
import { UCUM } from './systems';
import { convertText, er7, parse, seg } from './test-support';

const MSH = 'MSH|^~\\&|LAB|ACME LAB|EHR|GHH|20240506123000-0400||ORU^R01^ORU_R01|R-1|P|2.5.1';
const PID = seg('PID', { 1: '1', 3: 'MRN77^^^GHH^MR', 5: 'DOE^JANE', 7: '1970', 8: 'F' });
const ORC = seg('ORC', { 1: 'RE', 2: 'PL-1^EHR', 3: 'FL-1^LAB', 12: '1234567893^SMITH^JOHN^^^^^^NPI' });
const OBR = (n: number, extra: Record<number, string> = {}) =>
  seg('OBR', {
    1: String(n),
    2: 'PL-1^EHR',
    3: 'FL-1^LAB',
    4: '24323-8^Comprehensive metabolic panel^LN',
    7: '202405061000-0400',
    22: '202405061130-0400',
    25: 'F',
    ...extra,
  });
const OBX = (n: number, type: string, code: string, value: string, more: Record<number, string> = {}) =>
  seg('OBX', { 1: String(n), 2: type, 3: code, 5: value, 11: 'F', ...more });

describe('ORU^R01 → DiagnosticReport + Observations', () => {
  const c = convertText(
    er7(
      MSH,
      PID,
      ORC,
      OBR(1),
      'NTE|1|L|Specimen slightly hemolyzed',
      OBX(1, 'NM', '2345-7^Glucose^LN', '182', {
        6: 'mg/dL^mg/dL^UCUM',
        7: '70-99',
        8: 'H',
        14: '202405061005-0400',
      }),
      OBX(2, 'NM', '2951-2^Sodium^LN', '<120', { 6: 'mmol/L', 7: '136-145', 8: 'LL~A' }),
      OBX(3, 'SN', '5196-1^HBsAg^LN', '>^1000', { 6: 'IU/mL' }),
      OBX(4, 'SN', '5130-0^Titer^LN', '^1^:^128'),
      OBX(5, 'SN', '2500-1^Range^LN', '^10^-^20', { 6: 'mg/L' }),
      OBX(6, 'ST', '8251-1^Comment^LN', 'Specimen \\F\\ checked'),
      OBX(7, 'TX', '11502-2^Report^LN', 'line one~line two'),
      OBX(8, 'FT', '11502-2^Report^LN', 'first\\.br\\second \\H\\bold\\N\\ end'),
      'NTE|1|L|Reviewed by pathologist',
      OBX(9, 'CWE', '5778-6^Color^LN', 'Y^Yellow^L^371244009^Yellow color^SCT'),
      OBX(10, 'DT', '33882-2^Collection date^LN', '20240505'),
      OBX(11, 'TS', '33882-2^Collection time^LN', '202405050830-0400'),
      OBX(12, 'TM', '33883-0^Time^LN', '0830'),
      OBX(13, 'NM', '789-8^RBC^LN', '4.5', { 6: '10*6/uL', 7: '4.2-5.4', 11: 'C' }),
      OBX(14, 'NM', '777-3^Platelets^LN', '250', { 6: 'K/uL^thousand per microliter', 11: 'P' }),
      OBX(15, 'XYZ', '1234-5^Odd^LN', 'abc^def'),
      OBX(16, 'ED', '11502-2^PDF report^LN', '^AP^PDF^Base64^JVBERi0xLjQK'),
      OBX(17, 'NM', '2093-3^Cholesterol^LN', 'not done', { 11: 'X' }),
      OBX(18, 'ST', '8251-1^Comment^LN', 'instance', { 21: 'OBS-18^LAB' }),
      'SPM|1|||BLD',
    ),
  );
  const obs = c.all('Observation');
  const bySet = (n: number) => obs[n - 1];

  it('the report: identifiers, status, code, times, notes, results, presented form', () => {
    const report = c.one('DiagnosticReport');
    expect(report.identifier?.map((i) => [i.type?.coding?.[0].code, i.value, i.system])).toEqual([
      ['FILL', 'FL-1', 'urn:meridian:id:LAB'],
      ['PLAC', 'PL-1', 'urn:meridian:id:EHR'],
    ]);
    expect(c.entry(report).request?.url).toBe('DiagnosticReport?identifier=urn:meridian:id:LAB|FL-1');
    expect(report).toMatchObject({
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '24323-8' }] },
      effectiveDateTime: '2024-05-06T10:00:00-04:00',
      issued: '2024-05-06T11:30:00-04:00',
    });
    // R4 has no DiagnosticReport.note: the OBR NTE is the order's note, on a ServiceRequest that is
    // only created if missing, and the report is based on it.
    expect(report.extension).toBeUndefined();
    const order = c.one('ServiceRequest');
    expect(c.resolve(report.basedOn?.[0])).toBe(order);
    expect(order.note).toEqual([{ text: 'Specimen slightly hemolyzed' }]);
    expect(c.entry(order).request).toEqual({
      method: 'POST',
      url: 'ServiceRequest',
      ifNoneExist: 'identifier=urn:meridian:id:EHR|PL-1',
    });
    expect(report.result).toHaveLength(17);
    expect(report.presentedForm).toEqual([{ contentType: 'application/pdf', data: 'JVBERi0xLjQK' }]);
    expect(obs.every((o) => c.resolve(o.subject) === c.one('Patient'))).toBe(true);
  });

  it('NM: UCUM quantity, reference range, interpretation, OBX-14 effective; comparator from a sloppy NM', () => {
    expect(bySet(1)).toMatchObject({
      status: 'final',
      valueQuantity: { value: 182, unit: 'mg/dL', system: UCUM, code: 'mg/dL' },
      referenceRange: [{ low: { value: 70, code: 'mg/dL' }, high: { value: 99 }, text: '70-99' }],
      interpretation: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H' },
          ],
        },
      ],
      effectiveDateTime: '2024-05-06T10:05:00-04:00',
      issued: '2024-05-06T11:30:00-04:00',
    });
    expect(bySet(2).valueQuantity).toEqual({
      value: 120,
      comparator: '<',
      unit: 'mmol/L',
      system: UCUM,
      code: 'mmol/L',
    });
    expect(bySet(2).interpretation?.map((i) => i.coding?.[0].code)).toEqual(['LL', 'A']);
    expect(bySet(2).effectiveDateTime).toBe('2024-05-06T10:00:00-04:00');
    expect(c.warnings).toContainEqual(
      expect.objectContaining({ code: 'INVALID_NUMBER', location: 'OBX[2]-5' }),
    );
  });

  it('SN: comparator, ratio, range; non-UCUM units keep their text only', () => {
    expect(bySet(3).valueQuantity).toEqual({ value: 1000, comparator: '>', unit: 'IU/mL' });
    expect(bySet(4).valueRatio).toEqual({ numerator: { value: 1 }, denominator: { value: 128 } });
    expect(bySet(5).valueRange).toEqual({
      low: { value: 10, unit: 'mg/L', system: UCUM, code: 'mg/L' },
      high: { value: 20, unit: 'mg/L', system: UCUM, code: 'mg/L' },
    });
  });

  it('ST/TX/FT: strings, repetitions as lines, formatting escapes; NTE → note', () => {
    expect(bySet(6).valueString).toBe('Specimen | checked');
    expect(bySet(7).valueString).toBe('line one\nline two');
    expect(bySet(8).valueString).toBe('first\nsecond bold end');
    expect(bySet(8).note).toEqual([{ text: 'Reviewed by pathologist' }]);
  });

  it('CWE with alternate coding, DT/TS, TM', () => {
    expect(bySet(9).valueCodeableConcept?.coding).toEqual([
      { system: 'urn:meridian:codesystem:L', code: 'Y', display: 'Yellow' },
      { system: 'http://snomed.info/sct', code: '371244009', display: 'Yellow color' },
    ]);
    expect(bySet(10).valueDateTime).toBe('2024-05-05');
    expect(bySet(11).valueDateTime).toBe('2024-05-05T08:30:00-04:00');
    expect(bySet(12).valueTime).toBe('08:30:00');
  });

  it('statuses from OBX-11; K/uL is not read as UCUM kelvin', () => {
    expect(bySet(13).status).toBe('corrected');
    expect(bySet(13).valueQuantity).toMatchObject({ value: 4.5, code: '10*6/uL', system: UCUM });
    expect(bySet(14).status).toBe('preliminary');
    expect(bySet(14).valueQuantity).toEqual({ value: 250, unit: 'thousand per microliter' });
  });

  it('unknown value type: warning + valueString; an unreadable NM is kept as a string', () => {
    expect(bySet(15).valueString).toBe('abc def');
    expect(c.warnings).toContainEqual(
      expect.objectContaining({ code: 'UNKNOWN_VALUE_TYPE', location: 'OBX[15]-2' }),
    );
    const cancelled = obs.find((o) => o.code.coding?.[0].code === '2093-3');
    expect(cancelled).toMatchObject({ status: 'cancelled', valueString: 'not done' });
    expect(c.warnings).toContainEqual(
      expect.objectContaining({ code: 'INVALID_NUMBER', location: 'OBX[17]-5' }),
    );
  });

  it('OBX-21 gives the Observation an identifier and a conditional update', () => {
    const withId = obs.find((o) => o.identifier !== undefined);
    expect(c.entry(withId as fhir4.Observation).request?.url).toBe(
      'Observation?identifier=urn:meridian:id:LAB|OBS-18',
    );
    expect(
      obs
        .filter((o) => o.identifier === undefined)
        .every((o) => c.entry(o).request?.url === `Observation/${o.id}`),
    ).toBe(true);
  });

  it('is valid FHIR R4', () => {
    const result = validateFhirResource(c.bundle);
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });
});

describe('ORU structure', () => {
  it('several OBR groups, each with its results; repeated set ids do not collide', () => {
    const c = convertText(
      er7(
        MSH,
        PID,
        OBR(1),
        OBX(1, 'NM', '2345-7^Glucose^LN', '5'),
        OBX(1, 'NM', '2345-7^Glucose^LN', '6'),
        OBR(2, { 2: 'PL-2^EHR', 3: 'FL-2^LAB', 4: '718-7^Hemoglobin^LN' }),
        OBX(1, 'NM', '718-7^Hemoglobin^LN', '13.5', { 6: 'g/dL' }),
      ),
    );
    const reports = c.all('DiagnosticReport');
    expect(reports.map((r) => r.result?.length)).toEqual([2, 1]);
    expect(new Set(c.all('Observation').map((o) => o.id)).size).toBe(3);
  });

  it('several patients in one message', () => {
    const c = convertText(
      er7(
        MSH,
        PID,
        OBR(1),
        OBX(1, 'NM', 'A^A^L', '1'),
        seg('PID', { 1: '2', 3: 'MRN88^^^GHH^MR' }),
        OBR(1, { 2: 'PL-9', 3: 'FL-9' }),
        OBX(1, 'NM', 'A^A^L', '2'),
      ),
    );
    const [r1, r2] = c.all('DiagnosticReport');
    const [p1, p2] = c.all('Patient');
    expect(c.resolve(r1.subject)).toBe(p1);
    expect(c.resolve(r2.subject)).toBe(p2);
  });

  it('a report without order numbers is keyed on patient, code and time; without code it is unknown', () => {
    const c = convertText(er7(MSH, PID, seg('OBR', { 1: '1', 7: '20240506' }), OBX(1, 'ST', 'X^X^L', 'v')));
    const report = c.one('DiagnosticReport');
    expect(report.code).toEqual({
      extension: [
        { url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' },
      ],
    });
    expect(c.entry(report).request?.url).toBe(`DiagnosticReport/${report.id}`);
    expect(report.status).toBe('unknown');
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('missing PID or OBR is an error', () => {
    expect(convertHl7ToFhir(parse(er7(MSH, OBR(1))))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_SEGMENT', location: 'PID' },
    });
    expect(convertHl7ToFhir(parse(er7(MSH, PID, ORC)))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_SEGMENT', location: 'OBR' },
    });
  });

  it('SPM → Specimen, matched on its placer and filler ids together, referenced by the report and its observations', () => {
    const c = convertText(
      er7(
        MSH,
        PID,
        OBR(1),
        OBX(1, 'NM', '2345-7^Glucose^LN', '5.5', { 6: 'mmol/L' }),
        seg('SPM', {
          1: '1',
          2: 'SP-1&EHR^SP-9&LAB',
          4: '119297000^Blood specimen^SCT',
          8: '49852007^Median cubital vein^SCT',
          17: '202405060930-0400^202405060935-0400',
          18: '202405061000-0400',
        }),
      ),
    );
    const specimen = c.one('Specimen');
    expect(specimen).toMatchObject({
      // SPM-2 is placer ^ filler: the placer's id first (PLAC), then the filler's (FILL).
      identifier: [
        { value: 'SP-1', system: 'urn:meridian:id:EHR', type: { coding: [{ code: 'PLAC' }] } },
        { value: 'SP-9', system: 'urn:meridian:id:LAB', type: { coding: [{ code: 'FILL' }] } },
      ],
      accessionIdentifier: { value: 'SP-9', system: 'urn:meridian:id:LAB' },
      type: { coding: [{ code: '119297000' }] },
      receivedTime: '2024-05-06T10:00:00-04:00',
      collection: {
        collectedPeriod: { start: '2024-05-06T09:30:00-04:00', end: '2024-05-06T09:35:00-04:00' },
        bodySite: { coding: [{ code: '49852007' }] },
      },
    });
    expect(c.entry(specimen).request?.url).toBe(
      'Specimen?identifier=urn:meridian:id:EHR|SP-1&identifier=urn:meridian:id:LAB|SP-9',
    );
    const ref = c.entry(specimen).fullUrl;
    expect(c.one('DiagnosticReport').specimen?.[0].reference).toBe(ref);
    expect(c.one('Observation').specimen?.reference).toBe(ref);
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('OBX-23 performing organization is a performer; ED base64 without padding is padded', () => {
    const c = convertText(
      er7(
        MSH,
        PID,
        OBR(1),
        OBX(1, 'CWE', '94558-4^SARS-CoV-2 Ag^LN', '260415000^Not detected^SCT', {
          23: 'Winchester House^^^^^ISO&2.16.840.1.113883.19.4.6&ISO^XX^^^05D2222542',
        }),
        OBX(2, 'ED', '11502-2^Report^LN', '^TEXT^XML^Base64^RG9jdW1lbnQ'),
      ),
    );
    const org = c.resolve(c.one('Observation').performer?.[0]) as fhir4.Organization;
    expect(org).toMatchObject({
      name: 'Winchester House',
      identifier: [{ system: 'urn:oid:2.16.840.1.113883.19.4.6', value: '05D2222542' }],
    });
    expect(c.entry(org).request?.method).toBe('POST');
    expect(c.one('DiagnosticReport').presentedForm).toEqual([
      { contentType: 'application/xml', data: 'RG9jdW1lbnQ=' },
    ]);
  });

  it('a unit code that is not UCUM but whose text is keeps the code in an extension', () => {
    const c = convertText(er7(MSH, PID, OBR(1), OBX(1, 'NM', 'A^A^L', '1', { 6: 'U123^mmol/L^99LAB' })));
    expect(c.one('Observation').valueQuantity).toEqual({
      value: 1,
      unit: 'mmol/L',
      system: UCUM,
      code: 'mmol/L',
      extension: [
        {
          url: EXT_ORIGINAL_UNIT,
          valueCoding: { system: 'urn:meridian:codesystem:99LAB', code: 'U123', display: 'mmol/L' },
        },
      ],
    });
  });

  it('the same SPM-2 twice under one OBR stays two Specimens; under another OBR it is the one both reports list', () => {
    const c = convertText(
      er7(
        MSH,
        PID,
        OBR(1),
        OBX(1, 'NM', '2345-7^Glucose^LN', '5.5', { 6: 'mmol/L' }),
        seg('SPM', { 1: '1', 2: 'SP-1&EHR^SP-9&LAB', 4: 'SER^Serum^HL70487' }),
        seg('SPM', { 1: '2', 2: 'SP-1&EHR^SP-9&LAB', 4: 'PLAS^Plasma^HL70487' }),
        OBR(2, { 2: 'PL-2^EHR', 3: 'FL-2^LAB', 4: '718-7^Hemoglobin^LN' }),
        OBX(1, 'NM', '718-7^Hemoglobin^LN', '13.5', { 6: 'g/dL' }),
        seg('SPM', { 1: '1', 2: 'SP-1&EHR^SP-9&LAB', 4: 'SER^Serum^HL70487' }),
      ),
    );
    const specimens = c.all('Specimen');
    expect(specimens.map((s) => s.type?.coding?.[0]?.code)).toEqual(['SER', 'PLAS']);
    const [first, second] = c.all('DiagnosticReport');
    expect(first.specimen).toHaveLength(2);
    expect(second.specimen).toEqual([first.specimen?.[0]]);
    expect(c.warnings).toContainEqual(
      expect.objectContaining({ code: 'UNEXPECTED_REPETITION', location: 'SPM[2]-2' }),
    );
    // The second is matched by position, not by the SPM-2 pair the first holds.
    expect(c.entry(specimens[1]).request?.url).toMatch(/^Specimen\/[0-9a-f-]{36}$/);
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('SPM-12 collection amount (CQ) → collection.quantity; an OBR-8 end before OBR-7 is left out (per-1)', () => {
    const c = convertText(
      er7(
        MSH,
        PID,
        OBR(1, { 7: '202405061000-0400', 8: '202405060900-0400' }),
        OBX(1, 'NM', '2345-7^Glucose^LN', '5.5', { 6: 'mmol/L' }),
        seg('SPM', { 1: '1', 2: 'SP-1&EHR^SP-9&LAB', 4: 'SER^Serum^HL70487', 12: '2.5^mL&milliliter&UCUM' }),
      ),
    );
    expect(c.one('Specimen').collection?.quantity).toEqual({
      value: 2.5,
      unit: 'milliliter',
      system: UCUM,
      code: 'mL',
    });
    const report = c.one('DiagnosticReport');
    expect(report.effectiveDateTime).toBe('2024-05-06T10:00:00-04:00');
    expect(report.effectivePeriod).toBeUndefined();
    expect(c.warnings).toContainEqual(expect.objectContaining({ code: 'INVALID_VALUE', location: 'OBR-8' }));
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });
});
