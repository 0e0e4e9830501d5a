import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { knownCodeSystemHas, validateFhirResource } from '@meridian/fhir';
import { decodeHl7Bytes, parseHl7, splitBatch } from '@meridian/hl7';
import { convertHl7ToFhir } from './convert';
import { CASES, OID_MRN, OID_ORDER, OID_STAFF, OID_VISIT, PID } from './datatype-cases';
import { ConversionContext } from './context';
import { cq } from './datatypes';
import { parseV2DateTime, timeZonePolicy } from './datetime';
import { identifierSystemUri, isValidOid } from './systems';
import { allStrings, convertText, er7, GOLDEN, parse, seg } from './test-support';
import { V2Message } from './v2-reader';

const V2 = (table: string): string => `http://terminology.hl7.org/CodeSystem/v2-${table}`;
const V3 = (name: string): string => `http://terminology.hl7.org/CodeSystem/v3-${name}`;
/** The sender of every case message is MSH-4 'GOOD HEALTH'. */
const LOCAL = (table: string): string => `urn:meridian:codesystem:GOOD%20HEALTH/v2-${table}`;

/** Every Coding (and Quantity system/code) anywhere in a value. */
function codings(value: unknown, out: { system?: string; code?: string }[] = []): typeof out {
  if (Array.isArray(value)) for (const v of value) codings(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.code === 'string' && typeof o.system === 'string')
      out.push({ system: o.system, code: o.code });
    for (const v of Object.values(o)) codings(v, out);
  }
  return out;
}

/** Codings under a system R4 ships in full that does not hold their code: what HAPI refuses. */
const unknownCodes = (bundle: fhir4.Bundle): string[] =>
  codings(bundle)
    .filter((c) => knownCodeSystemHas(c.system!, c.code!) === false)
    .map((c) => `${c.system}#${c.code}`);

const CORPUS = join(__dirname, '..', 'fixtures', 'corpus');

/** Every golden and corpus message that parses (batches split), with a name for failures. */
function realMessages(): { name: string; text: string }[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.hl7')) files.push(path);
    }
  };
  walk(GOLDEN);
  try {
    walk(CORPUS);
  } catch {
    // The corpus is collected alongside; the golden messages are enough on their own.
  }
  return files.sort().flatMap((file) => {
    const text = decodeHl7Bytes(readFileSync(file));
    const split = splitBatch(text);
    const messages = split.ok ? split.batch.messages : [text];
    return messages.map((m, i) => ({ name: `${file}[${i + 1}]`, text: m }));
  });
}

describe('codes only under a system that holds them (class 3)', () => {
  const adt = convertText(CASES.adt);
  const oru = convertText(CASES.oru);

  it('a local code of an HL7 table goes to the sender’s local version of that table', () => {
    const enc = adt.one('Encounter');
    expect(enc.type).toEqual([{ coding: [{ system: LOCAL('0007'), code: '4' }] }]);
    expect(enc.serviceType).toEqual({ coding: [{ system: LOCAL('0069'), code: 'NUR' }] });
    expect(enc.hospitalization?.reAdmission).toEqual({ coding: [{ system: LOCAL('0092'), code: 'N' }] });
    // Table 0112 is user-defined and R4 does not ship it: nothing can vouch for the code.
    expect(enc.hospitalization?.dischargeDisposition).toEqual({
      coding: [{ system: LOCAL('0112'), code: '01' }],
    });
    expect(adt.one('Patient').maritalStatus).toEqual({
      coding: [{ system: LOCAL('0002'), code: 'X', display: 'Local status' }],
    });
  });

  it('a code the table holds stays in the table, spelled as the table spells it', () => {
    expect(adt.one('Encounter').hospitalization?.admitSource).toEqual({
      coding: [{ system: V2('0023'), code: '7' }],
    });
    const c = convertText(
      er7(
        'MSH|^~\\&|APP|GOOD HEALTH|EHR|GHH|20240506123000||ADT^A01^ADT_A01|A-2|P|2.5.1',
        seg('PID', { 3: 'M1^^^GHH^MR', 16: 'm' }),
        seg('PV1', { 2: 'Z', 10: 'med', 19: 'V9^^^GHH^VN' }),
      ),
    );
    expect(c.one('Patient').maritalStatus?.coding).toEqual([{ system: V3('MaritalStatus'), code: 'M' }]);
    expect(c.one('Encounter').serviceType?.coding).toEqual([{ system: V2('0069'), code: 'MED' }]);
    // An unmapped patient class that table 0004 does not hold either.
    expect(c.one('Encounter').class).toEqual({ system: LOCAL('0004'), code: 'Z' });
  });

  it('NK1 relationship and contact role: table 0063/0131 (+ v3 RoleCode) or local', () => {
    const [daughter, spouse] = adt.all('RelatedPerson');
    expect(daughter.relationship).toEqual([
      { coding: [{ system: LOCAL('0063'), code: 'DAU', display: 'Daughter' }] },
      { coding: [{ system: LOCAL('0131'), code: 'EC', display: 'Emergency contact' }] },
    ]);
    expect(spouse.relationship).toEqual([
      {
        coding: [
          { system: V2('0063'), code: 'SPO', display: 'Spouse' },
          { system: V3('RoleCode'), code: 'SPS' },
        ],
      },
      { coding: [{ system: V2('0131'), code: 'C', display: 'Emergency Contact' }] },
    ]);
  });

  it('CX.5 identifier type outside table 0203 keeps the code locally, and as text', () => {
    const ids = adt.one('Patient').identifier ?? [];
    expect(ids[0].type).toEqual({
      coding: [{ system: V2('0203'), code: 'MR', display: 'Medical record number' }],
    });
    expect(ids[1].type).toEqual({ coding: [{ system: LOCAL('0203'), code: 'XYZ' }], text: 'XYZ' });
  });

  it('OBX-8: v3 ObservationInterpretation, aliases and case mapped, anything else local 0078', () => {
    const [glucose, other, , , rate] = oru.all('Observation');
    expect(glucose.interpretation).toEqual([
      { coding: [{ system: V3('ObservationInterpretation'), code: 'H' }] },
    ]);
    expect(other.interpretation).toEqual([
      { coding: [{ system: V3('ObservationInterpretation'), code: 'HU' }] },
      { coding: [{ system: LOCAL('0078'), code: 'xyz' }] },
    ]);
    expect(rate.interpretation?.[0].coding?.[0]).toEqual({
      system: V3('ObservationInterpretation'),
      code: 'H',
    });
  });

  it('a CWE whose CWE.3 names an HL7 table is held to that table too', () => {
    const answer = oru.all('Observation')[2];
    expect(answer.valueCodeableConcept?.coding).toEqual([
      { system: V2('0136'), code: 'Y', display: 'Yes' },
      { system: LOCAL('0136'), code: 'YES', display: 'Yes' },
    ]);
  });

  it('UCUM, ISO 3166 and v3 (NULLFL) codes in a CWE are held to what a server checks of them', () => {
    const c = convertText(
      er7(
        'MSH|^~\\&|APP|GOOD HEALTH|EHR|GHH|20240506123000||ORU^R01^ORU_R01|R-2|P|2.5.1',
        PID,
        seg('OBR', { 1: '1', 3: 'F2^LAB', 4: '1^Panel^L', 25: 'F' }),
        'OBX|1|CWE|1-1^Country^LN||usa^United States^ISO3166~1234^Narnia^ISO3166||||||F',
        'OBX|2|CWE|1-2^Unit^LN||mg/dL^milligram per deciliter^UCUM~iU^international unit^UCUM||||||F',
        'OBX|3|CWE|1-3^Answer^LN||UNK^unknown^NULLFL~XX^odd^NULLFL||||||F',
      ),
    );
    const [country, unit, answer] = c.all('Observation');
    expect(answer.valueCodeableConcept?.coding).toEqual([
      { system: V3('NullFlavor'), code: 'UNK', display: 'unknown' },
      { system: 'urn:meridian:codesystem:GOOD%20HEALTH/v3-NullFlavor', code: 'XX', display: 'odd' },
    ]);
    expect(country.valueCodeableConcept?.coding).toEqual([
      { system: 'urn:iso:std:iso:3166', code: 'USA', display: 'United States' },
      { system: 'urn:meridian:codesystem:GOOD%20HEALTH/3166', code: '1234', display: 'Narnia' },
    ]);
    expect(unit.valueCodeableConcept?.coding).toEqual([
      { system: 'http://unitsofmeasure.org', code: 'mg/dL', display: 'milligram per deciliter' },
      {
        system: 'urn:meridian:codesystem:GOOD%20HEALTH/unitsofmeasure.org',
        code: 'iU',
        display: 'international unit',
      },
    ]);
  });

  it('OBR-24 diagnostic section outside table 0074 is local', () => {
    expect(oru.one('DiagnosticReport').category).toEqual([
      { coding: [{ system: LOCAL('0074'), code: 'XYZ' }] },
    ]);
  });

  it('a unit declared UCUM that is no UCUM expression keeps its text only, with a warning', () => {
    expect(oru.all('Observation')[0].valueQuantity).toEqual({ value: 99, unit: 'IU per mL' });
    expect(oru.warnings).toContainEqual(
      expect.objectContaining({ code: 'INVALID_VALUE', location: 'OBX-6' }),
    );
  });

  it('the integration names a table’s system outright; without a sender the local system has no sender part', () => {
    const pv1 = seg('PV1', { 2: 'I', 10: 'NUR', 19: 'V9^^^GHH^VN' });
    const own = convertText(
      er7('MSH|^~\\&|APP|GOOD HEALTH|EHR|GHH|20240506123000||ADT^A01^ADT_A01|A-3|P|2.5.1', PID, pv1),
      { codeSystems: { HL70069: 'https://ghh.example/services' } },
    );
    expect(own.one('Encounter').serviceType?.coding).toEqual([
      { system: 'https://ghh.example/services', code: 'NUR' },
    ]);
    const anonymous = convertText(
      er7('MSH|^~\\&|||EHR|GHH|20240506123000||ADT^A01^ADT_A01|A-4|P|2.5.1', PID, pv1),
      { defaultCodeSystemBase: 'https://codes.example/' },
    );
    expect(anonymous.one('Encounter').serviceType?.coding).toEqual([
      { system: 'https://codes.example/v2-0069', code: 'NUR' },
    ]);
  });

  it('no Coding of a golden or corpus message is under an R4 code system that lacks its code', () => {
    const messages = realMessages();
    expect(messages.length).toBeGreaterThan(20);
    const found: string[] = [];
    for (const { name, text } of messages) {
      const parsed = parseHl7(text);
      if (!parsed.ok) continue;
      const result = convertHl7ToFhir(parsed.message);
      if (result.ok) found.push(...unknownCodes(result.bundle).map((c) => `${name}: ${c}`));
    }
    expect(found).toEqual([]);
  });

  it('none in the rule messages either, and @meridian/fhir accepts every Bundle', () => {
    for (const text of Object.values(CASES)) {
      const { bundle } = convertText(text);
      expect(unknownCodes(bundle)).toEqual([]);
      expect(validateFhirResource(bundle)).toEqual({ valid: true, issues: [] });
    }
  });
});

describe('IN1 payor', () => {
  it('an insurer’s address and phone typed home (P, PRN) lose the use an organization cannot have', () => {
    const c = convertText(
      er7(
        'MSH|^~\\&|APP|GOOD HEALTH|EHR|GHH|20240506123000||ADT^A08^ADT_A01|A-8|P|2.5.1',
        PID,
        seg('IN1', {
          1: '1',
          3: 'AOK1^^^^NII',
          4: 'Die Gesundheitskasse',
          5: 'Allee 30^^Hannover^^30001^D^P',
          7: '^PRN^PH^^^04131^89314641',
        }),
      ),
    );
    const payor = c.one('Organization');
    expect(payor.address?.[0]).toMatchObject({ line: ['Allee 30'], city: 'Hannover' });
    expect(payor.address?.[0].use).toBeUndefined();
    expect(payor.telecom?.[0]).toEqual({ system: 'phone', value: '(04131) 89314641' });
  });
});

describe('one identifier system per assigning authority (class 4)', () => {
  it('HAPI’s OID rule: the OID syntax and the last dot at index 4 or later', () => {
    for (const ok of ['2.16.840', '1.23.4', '1.2.3.4', '0.12.3', OID_MRN, '2.25.123456789012345678'])
      expect([ok, isValidOid(ok)]).toEqual([ok, true]);
    for (const bad of [
      '2.4',
      '1.2.3',
      '1.2.34',
      '1.2.3456',
      '2.1.2',
      '3.1.2.3.4',
      '12.3.4.5',
      '1.2.03.4',
      '1.2.3.4.',
    ])
      expect([bad, isValidOid(bad)]).toEqual([bad, false]);
  });

  it('derivation order, and the defaults without configuration', () => {
    const base = 'urn:meridian:id:';
    const sys = (hd: Parameters<typeof identifierSystemUri>[0], overrides?: Record<string, string>) =>
      identifierSystemUri(hd, overrides, base);
    expect(sys({ namespace: 'GHH', universalId: OID_MRN, universalIdType: 'ISO' })).toBe(
      `urn:oid:${OID_MRN}`,
    );
    expect(sys({ universalId: OID_MRN })).toBe(`urn:oid:${OID_MRN}`);
    expect(sys({ namespace: 'EHR', universalId: OID_MRN, universalIdType: 'HL7' })).toBe(
      `urn:oid:${OID_MRN}`,
    );
    expect(sys({ namespace: 'GHH', universalId: '2.4', universalIdType: 'ISO' })).toBe('urn:meridian:id:GHH');
    expect(sys({ universalId: '2.4', universalIdType: 'ISO' })).toBe('urn:meridian:id:2.4');
    expect(sys({ namespace: 'GHH', universalId: OID_MRN, universalIdType: 'DNS' })).toBe(
      'urn:meridian:id:GHH',
    );
    expect(sys({ universalId: 'A8E0C9D2-0000-4000-8000-00000000000A', universalIdType: 'GUID' })).toBe(
      'urn:uuid:a8e0c9d2-0000-4000-8000-00000000000a',
    );
    expect(sys({ namespace: 'X', universalId: 'https://ids.example/mrn', universalIdType: 'URI' })).toBe(
      'https://ids.example/mrn',
    );
    expect(sys({ namespace: 'X', universalId: 'not a uri', universalIdType: 'URI' })).toBe(
      'urn:meridian:id:X',
    );
    expect(sys({ namespace: 'Priority Health' })).toBe('urn:meridian:id:Priority%20Health');
    expect(sys({ namespace: 'npi' })).toBe('http://hl7.org/fhir/sid/us-npi');
    expect(
      sys({ namespace: 'GHH', universalId: OID_MRN, universalIdType: 'ISO' }, { GHH: 'https://ghh/mrn' }),
    ).toBe('https://ghh/mrn');
    expect(sys({ universalId: OID_MRN, universalIdType: 'ISO' }, { [OID_MRN]: 'https://ghh/mrn' })).toBe(
      'https://ghh/mrn',
    );
  });

  const patientUrl = (text: string): string | undefined => {
    const c = convertText(text);
    const patient = c.one('Patient');
    const mrn = patient.identifier?.find((i) => i.value === 'MRN1');
    return `${mrn?.system}|${mrn?.value}`;
  };

  it('the same PID-3 gives the same system in ADT, ORU, ORM, SIU and MDM', () => {
    for (const [name, text] of Object.entries(CASES)) {
      expect([name, patientUrl(text)]).toEqual([name, `urn:oid:${OID_MRN}|MRN1`]);
    }
  });

  it('an OID HAPI refuses falls back to the namespace, else the universal id, in every message type', () => {
    for (const text of Object.values(CASES)) {
      const ids = convertText(text).one('Patient').identifier ?? [];
      expect(ids.find((i) => i.value === '77')?.system).toBe('urn:meridian:id:LAB');
      expect(ids.find((i) => i.value === '88')?.system).toBe('urn:meridian:id:2.4');
    }
  });

  it('visit number, placer/filler EI, practitioner XCN and organization XON take the same derivation', () => {
    const oru = convertText(CASES.oru);
    const orm = convertText(CASES.orm);
    const siu = convertText(CASES.siu);
    for (const c of [oru, orm, convertText(CASES.adt)]) {
      expect(c.one('Encounter').identifier?.[0].system).toBe(`urn:oid:${OID_VISIT}`);
    }
    for (const c of [oru, orm]) {
      const sr = c.one('ServiceRequest');
      expect(sr.identifier?.map((i) => i.system)).toEqual([
        `urn:oid:${OID_ORDER}.1`,
        `urn:oid:${OID_ORDER}.2`,
      ]);
    }
    expect(oru.one('DiagnosticReport').identifier?.[0]).toMatchObject({
      system: `urn:oid:${OID_ORDER}.2`,
      value: 'F1',
    });
    for (const c of [oru, orm, siu]) {
      expect(c.all('Practitioner').map((p) => p.identifier?.[0].system)).toEqual([`urn:oid:${OID_STAFF}`]);
    }
    const org = oru.all('Organization').find((o) => o.name === 'Lab');
    expect(org?.identifier?.[0]).toMatchObject({ system: `urn:oid:${OID_ORDER}.3`, value: '1236' });
  });

  it('no authority: the sender’s system; MSH-4 with a valid OID gives urn:oid', () => {
    const c = convertText(
      er7(
        `MSH|^~\\&|APP|GHH^${OID_MRN}^ISO|EHR|GHH|20240506123000||ADT^A08^ADT_A01|A-5|P|2.5.1`,
        seg('PID', { 3: 'M7' }),
      ),
    );
    expect(c.one('Patient').identifier?.[0].system).toBe(`urn:oid:${OID_MRN}`);
    const bare = convertText(
      er7(
        'MSH|^~\\&|APP|GOOD HEALTH|EHR|GHH|20240506123000||ADT^A08^ADT_A01|A-6|P|2.5.1',
        seg('PID', { 3: 'M7' }),
      ),
    );
    expect(bare.one('Patient').identifier?.[0].system).toBe('urn:meridian:id:GOOD%20HEALTH');
  });
});

describe('composite datatypes read per their definition (class 5)', () => {
  const adt = convertText(CASES.adt);
  const patient = adt.one('Patient');

  it('XAD-1 SAD: <number>&<street name>, street name & dwelling number, full street & parts', () => {
    const [home, postal, temp] = patient.address ?? [];
    expect(home).toMatchObject({ use: 'home', line: ['123 Main St', 'Apt 4'], city: 'Springfield' });
    expect(postal).toMatchObject({
      type: 'postal',
      line: ['45 Elm Street'],
      _line: [
        {
          extension: [
            {
              url: 'http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-streetName',
              valueString: 'Elm Street',
            },
            { url: 'http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber', valueString: '45' },
          ],
        },
      ],
      // XAD.13 effective date is a TS: DTM & degree of precision.
      period: { start: '2020-01-01' },
    });
    // XAD.9 county as a CWE in sub-components: its text.
    expect(temp).toMatchObject({ line: ['Oak Road 7'], district: 'West Yorkshire', country: 'GBR' });
  });

  it('XPN-1 FN: surname, own prefix and own surname; the parts in the standard extensions', () => {
    const [official, maiden] = patient.name ?? [];
    expect(official).toMatchObject({ use: 'official', family: 'Berg', given: ['Anna', 'Maria'] });
    expect(official._family?.extension).toEqual([
      { url: 'http://hl7.org/fhir/StructureDefinition/humanname-own-prefix', valueString: 'van der' },
      { url: 'http://hl7.org/fhir/StructureDefinition/humanname-own-name', valueString: 'Berg' },
    ]);
    // No FN.1: the parts make the family name.
    expect(maiden).toMatchObject({ use: 'maiden', family: 'de Vries' });
    expect(patient.extension).toContainEqual({
      url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName',
      valueString: 'Smith',
    });
  });

  it('XCN: FN in sub-components, authority HD in sub-components, name type', () => {
    const practitioner = adt.one('Practitioner');
    expect(practitioner.name?.[0]).toMatchObject({
      use: 'official',
      family: 'Smith',
      given: ['John'],
      prefix: ['Dr'],
    });
    expect(practitioner.identifier?.[0]).toMatchObject({ system: `urn:oid:${OID_STAFF}`, value: 'D1' });
  });

  it('PL parts given as HDs (v2.7+) name the location without separators', () => {
    expect(adt.one('Location').name).toBe('W 101 1');
  });

  it('CX.5 sent as a CWE: its code', () => {
    const c = convertText(
      er7(
        'MSH|^~\\&|APP|GOOD HEALTH|EHR|GHH|20240506123000||ADT^A08^ADT_A01|A-7|P|2.5.1',
        seg('PID', { 3: 'M8^^^GHH^MR&Medical record number&HL70203^^20200101&D' }),
      ),
    );
    expect(c.one('Patient').identifier?.[0]).toMatchObject({
      type: { coding: [{ system: V2('0203'), code: 'MR' }] },
      period: { start: '2020-01-01' },
    });
  });

  it('a value of a type FHIR has no value[x] for is text without separators', () => {
    expect(convertText(CASES.oru).all('Observation')[3].valueString).toBe(`123 NS ${OID_MRN} ISO MR`);
  });

  it('CQ: quantity ^ units (a CWE in sub-components), or read nested from a component', () => {
    const msg = new V2Message(
      parse(
        er7(
          'MSH|^~\\&|APP|GOOD HEALTH|EHR|GHH|20240506123000||ORM^O01^ORM_O01|O-2|P|2.5.1',
          'TQ1|1|2.5^mL&milliliter&UCUM~3^TAB&tablet&L',
          'ORC|NW|P1|||||4&EA^^^20240506',
        ),
      ),
    );
    const ctx = new ConversionContext(msg, {}, timeZonePolicy(undefined)!);
    const [ml, tab] = msg.first('TQ1')!.reps(2);
    expect(cq(ctx, ml)).toEqual({
      value: 2.5,
      unit: 'milliliter',
      system: 'http://unitsofmeasure.org',
      code: 'mL',
    });
    expect(cq(ctx, tab)).toEqual({
      value: 3,
      unit: 'tablet',
      system: 'urn:meridian:codesystem:L',
      code: 'TAB',
    });
    expect(cq(ctx, msg.first('ORC')!.rep(7)!.nested(1))).toMatchObject({ value: 4, unit: 'EA' });
  });

  it('TS read whole from a component: the DTM before the degree of precision', () => {
    expect(parseV2DateTime('20200101&D')).toEqual({ year: 2020, month: 1, day: 1 });
    expect(parseV2DateTime('202001011230&M')).toMatchObject({ hour: 12, minute: 30 });
  });

  it('no value of the rule messages carries a sub-component separator', () => {
    for (const [name, text] of Object.entries(CASES)) {
      const leaks = allStrings(convertText(text).bundle).filter((s) => s.includes('&'));
      expect([name, leaks]).toEqual([name, []]);
    }
  });
});
