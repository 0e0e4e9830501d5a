import { validateFhirResource } from '@meridian/fhir';
import { convertHl7ToFhir } from './convert';
import { convertText, er7, parse, seg } from './test-support';

const MSH = 'MSH|^~\\&|EHR|CLINIC-X|IIS|STATE|20240814103000||VXU^V04^VXU_V04|VXU-1|P|2.5.1|||AL|ER';
const PID = seg('PID', { 1: '1', 3: 'PAT-100^^^CLINIC-X^MR', 5: 'SNOW^MADDY^A^^^^L', 7: '20070706', 8: 'F' });
const NK1 = seg('NK1', { 1: '1', 2: 'LAM^MORGAN^^^^^L', 3: 'MTH^Mother^HL70063' });
const ORC = (filler: string, extra: Record<number, string> = {}) =>
  seg('ORC', { 1: 'RE', 3: `${filler}^CLINIC-X`, ...extra });
const RXA = (fields: Record<number, string>) => seg('RXA', { 1: '0', 2: '1', 3: '20240814', ...fields });
const FLU = '88^Influenza, unspecified formulation^CVX';

describe('VXU^V04 → Immunization', () => {
  const c = convertText(
    er7(
      MSH,
      PID,
      NK1,
      ORC('IZ-1', { 12: '57422^RADON^NICK^^^^^^CLINIC-X^L^^^MD' }),
      RXA({
        5: FLU,
        6: '0.5',
        7: 'mL^MilliLiter^UCUM',
        9: '00^New immunization record^NIP001',
        10: '7832-1^LEMON^MIKE^^^^^^CLINIC-X',
        15: 'Z0860BB',
        16: '20251104',
        17: 'CSL^CSL Behring^MVX',
        19: 'V01^Routine^L',
        20: 'CP',
        21: 'A',
        22: '20240814110000',
      }),
      'RXR|C28161^Intramuscular^NCIT|LD^Left Deltoid^HL70163',
      'OBX|1|CE|64994-7^Vaccine funding program eligibility category^LN|1|V02^VFC eligible - Medicaid^HL70064||||||F',
      'OBX|2|CE|30963-3^Vaccine funding source^LN|2|VXC1^Federal funds^CDCPHINVS||||||F',
      'OBX|3|CE|69764-9^Document type^LN|3|253088698300012711120420^Influenza VIS^cdcgs1vis||||||F',
      'OBX|4|TS|29768-9^VIS publication date^LN|3|20190815||||||F',
      'OBX|5|TS|29769-7^VIS presentation date^LN|3|20240814||||||F',
      'OBX|6|CE|30956-7^Vaccine type^LN|4|88^Influenza^CVX||||||F',
      'OBX|7|TS|29769-7^VIS presentation date^LN|4|20240814||||||F',
      'OBX|8|NM|30973-2^Dose number in series^LN|5|1||||||F',
      'NTE|1||first dose of season',
    ),
  );
  const imm = c.one('Immunization');

  it('maps RXA, RXR and ORC per the V2-to-FHIR IG', () => {
    expect(imm.status).toBe('completed');
    expect(imm.vaccineCode.coding?.[0]).toEqual({
      system: 'http://hl7.org/fhir/sid/cvx',
      code: '88',
      display: 'Influenza, unspecified formulation',
    });
    expect(imm.occurrenceDateTime).toBe('2024-08-14');
    expect(imm.recorded).toBe('2024-08-14T11:00:00Z');
    expect(imm.doseQuantity).toEqual({
      value: 0.5,
      unit: 'mL',
      system: 'http://unitsofmeasure.org',
      code: 'mL',
    });
    expect(imm.lotNumber).toBe('Z0860BB');
    expect(imm.expirationDate).toBe('2025-11-04');
    expect(imm.primarySource).toBe(true);
    expect(imm.reportOrigin).toBeUndefined();
    expect(imm.route?.coding?.[0]?.code).toBe('C28161');
    expect(imm.site?.coding?.[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/v2-0163',
      code: 'LD',
    });
    expect(imm.reasonCode?.[0]?.coding?.[0]?.code).toBe('V01');
    expect(c.resolve(imm.patient)).toBe(c.one('Patient'));
    expect(c.one('RelatedPerson').patient.reference).toBe(imm.patient.reference);
  });

  it('is matched on the filler order number (ORC-3)', () => {
    expect(imm.identifier?.[0]).toMatchObject({ system: 'urn:meridian:id:CLINIC-X', value: 'IZ-1' });
    expect(c.entry(imm).request).toEqual({
      method: 'PUT',
      url: 'Immunization?identifier=urn:meridian:id:CLINIC-X|IZ-1',
    });
  });

  it('names the manufacturer (RXA-17, MVX) as an Organization created if missing', () => {
    const org = c.resolve(imm.manufacturer) as fhir4.Organization;
    expect(org.identifier).toEqual([{ system: 'http://terminology.hl7.org/CodeSystem/MVX', value: 'CSL' }]);
    expect(org.name).toBe('CSL Behring');
    expect(c.entry(org).request).toMatchObject({
      method: 'POST',
      ifNoneExist: 'identifier=http://terminology.hl7.org/CodeSystem/MVX|CSL',
    });
  });

  it('lists the administering (RXA-10, AP) and ordering (ORC-12, OP) providers', () => {
    expect(imm.performer?.map((p) => p.function?.coding?.[0]?.code)).toEqual(['AP', 'OP']);
    expect(imm.performer?.[0]?.function?.coding?.[0]?.system).toBe(
      'http://terminology.hl7.org/CodeSystem/v2-0443',
    );
    expect((c.resolve(imm.performer?.[0]?.actor) as fhir4.Practitioner).identifier?.[0]?.value).toBe(
      '7832-1',
    );
    expect((c.resolve(imm.performer?.[1]?.actor) as fhir4.Practitioner).identifier?.[0]?.value).toBe('57422');
  });

  it('places funding eligibility, funding source and a VIS with its document type in the Immunization', () => {
    expect(imm.programEligibility?.[0]?.coding?.[0]?.code).toBe('V02');
    expect(imm.fundingSource?.coding?.[0]?.code).toBe('VXC1');
    expect(imm.education).toEqual([
      {
        documentType: '253088698300012711120420',
        publicationDate: '2019-08-15',
        presentationDate: '2024-08-14',
      },
    ]);
  });

  it('keeps the other OBX (and a VIS without document type) as Observations part of the Immunization', () => {
    const observations = c.all('Observation');
    expect(observations.map((o) => o.code.coding?.[0]?.code)).toEqual(['30956-7', '29769-7', '30973-2']);
    for (const o of observations) {
      expect(o.partOf).toEqual([{ reference: c.entry(imm).fullUrl }]);
      expect(o.subject?.reference).toBe(imm.patient.reference);
    }
    expect(observations[2].note).toEqual([{ text: 'first dose of season' }]);
  });

  it('produces a valid Bundle', () => {
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });
});

describe('VXU^V04 completion status, action code and information source', () => {
  const convert = (fields: Record<number, string>) =>
    convertText(er7(MSH, PID, ORC('IZ-9'), RXA({ 5: FLU, 6: '0.5', 7: 'mL', ...fields })));

  it('refused (RE) → not-done with the refusal reason (RXA-18)', () => {
    const c = convert({
      5: '998^No vaccine administered^CVX',
      6: '999',
      18: '00^Parental decision^NIP002',
      20: 'RE',
    });
    const imm = c.one('Immunization');
    expect(imm.status).toBe('not-done');
    expect(imm.statusReason?.coding?.[0]).toMatchObject({ code: '00', display: 'Parental decision' });
    expect(imm.doseQuantity).toBeUndefined();
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });

  it('not administered (NA) → not-done; partially administered (PA) → completed and subpotent', () => {
    expect(convert({ 20: 'NA' }).one('Immunization').status).toBe('not-done');
    const partial = convert({ 20: 'PA' }).one('Immunization');
    expect(partial.status).toBe('completed');
    expect(partial.isSubpotent).toBe(true);
    expect(convert({ 20: 'CP' }).one('Immunization').isSubpotent).toBeUndefined();
  });

  it('action code D (RXA-21) → entered-in-error, whatever RXA-20 says', () => {
    expect(convert({ 20: 'CP', 21: 'D' }).one('Immunization').status).toBe('entered-in-error');
  });

  it('an RXA-20 outside table 0322 is taken as completed, with a warning naming the field only', () => {
    const c = convert({ 20: 'ZZ' });
    expect(c.one('Immunization').status).toBe('completed');
    expect(c.warnings).toContainEqual(expect.objectContaining({ code: 'UNMAPPED_CODE', location: 'RXA-20' }));
  });

  it('historical records (RXA-9 not 00) are not from the primary source and keep where they came from', () => {
    const historical = convert({ 9: '01^Historical information - source unspecified^NIP001' }).one(
      'Immunization',
    );
    expect(historical.primarySource).toBe(false);
    expect(historical.reportOrigin?.coding).toEqual([
      {
        system: 'urn:meridian:codesystem:NIP001',
        code: '01',
        display: 'Historical information - source unspecified',
      },
    ]);
    const fromRecord = convert({ 9: '03^From parent written record^NIP001' }).one('Immunization');
    expect(fromRecord.reportOrigin?.coding).toContainEqual({
      system: 'http://terminology.hl7.org/CodeSystem/immunization-origin',
      code: 'record',
    });
    expect(convert({}).one('Immunization').primarySource).toBeUndefined();
  });

  it('RXA-6 999 (amount unknown) writes no dose', () => {
    expect(convert({ 6: '999' }).one('Immunization').doseQuantity).toBeUndefined();
  });

  it('a missing administration time is marked unknown, still valid FHIR', () => {
    const c = convertText(er7(MSH, PID, ORC('IZ-9'), seg('RXA', { 1: '0', 2: '1', 5: FLU })));
    const imm = c.one('Immunization');
    expect(imm.occurrenceDateTime).toBeUndefined();
    expect(
      (imm as { _occurrenceDateTime?: fhir4.Element })._occurrenceDateTime?.extension?.[0]?.valueCode,
    ).toBe('unknown');
    expect(c.warnings).toContainEqual(expect.objectContaining({ code: 'MISSING_VALUE', location: 'RXA-3' }));
    expect(validateFhirResource(c.bundle).valid).toBe(true);
  });
});

describe('VXU^V04 structure', () => {
  it('one Immunization per ORDER group; without ORC (before v2.5) a dose is keyed on patient, vaccine and time', () => {
    const text = er7(
      MSH,
      PID,
      RXA({ 5: FLU }),
      RXA({ 3: '20230101', 5: '03^MMR^CVX' }),
      ORC('IZ-3'),
      RXA({ 5: '20^DTaP^CVX' }),
    );
    const c = convertText(text);
    const all = c.all('Immunization');
    expect(all.map((i) => i.vaccineCode.coding?.[0]?.code)).toEqual(['88', '03', '20']);
    expect(all[0].identifier).toBeUndefined();
    expect(c.entry(all[0]).request?.url).toMatch(/^Immunization\/[0-9a-f-]{36}$/);
    expect(c.entry(all[0]).request?.url).not.toBe(c.entry(all[1]).request?.url);
    expect(convertText(text).bundle).toEqual(c.bundle);
  });

  it('a VXU without orders updates nothing but the patient; OBX before any order are the patient’s', () => {
    const c = convertText(
      er7(MSH, PID, 'OBX|1|CE|59784-9^Disease with presumed immunity^LN||38907003^Varicella^SCT||||||F'),
    );
    expect(c.all('Immunization')).toHaveLength(0);
    expect(c.one('Observation').partOf).toBeUndefined();
    expect(c.one('Observation').subject?.reference).toBe(c.entry(c.one('Patient')).fullUrl);
  });

  it('Patient is created if missing (ADT keeps it), updated with updatePatientFromAllMessages', () => {
    const text = er7(MSH, PID, ORC('IZ-1'), RXA({ 5: FLU }));
    const creating = convertText(text);
    expect(creating.entry(creating.one('Patient')).request?.method).toBe('POST');
    const updating = convertText(text, { updatePatientFromAllMessages: true });
    expect(updating.entry(updating.one('Patient')).request?.method).toBe('PUT');
  });

  it('refuses a VXU without PID, or an order without RXA, naming the segment only', () => {
    expect(convertHl7ToFhir(parse(er7(MSH, ORC('IZ-1'), RXA({ 5: FLU }))))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_SEGMENT', location: 'PID' },
    });
    const noRxa = convertHl7ToFhir(parse(er7(MSH, PID, ORC('IZ-1'))));
    expect(noRxa).toMatchObject({ ok: false, error: { code: 'MISSING_SEGMENT', location: 'RXA' } });
    if (!noRxa.ok) expect(noRxa.error.reason).not.toMatch(/IZ-1|SNOW/);
  });

  it('an ORC without its RXA among complete orders is skipped with a warning', () => {
    const c = convertText(er7(MSH, PID, ORC('IZ-1'), ORC('IZ-2'), RXA({ 5: FLU })));
    expect(c.one('Immunization').identifier?.[0]?.value).toBe('IZ-2');
    expect(c.warnings).toContainEqual(expect.objectContaining({ code: 'SEGMENT_SKIPPED', location: 'ORC' }));
  });
});
