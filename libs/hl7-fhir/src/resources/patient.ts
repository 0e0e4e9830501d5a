import type { ConversionContext } from '../context';
import { toFhirDate, toFhirDateTime } from '../datetime';
import { cwe, cx, identifier, tableCoding, xad, xpn, xtn } from '../datatypes';
import type { EntryMode } from '../bundle';
import { US_SSN, V3 } from '../systems';
import { GENDER } from '../tables';
import type { ConversionError } from '../types';
import type { V2Rep, V2Segment } from '../v2-reader';
import { practitionerRef } from './practitioner';

export interface PatientResult {
  ref: fhir4.Reference;
  /** `system|value` of the identifier the Patient is matched on: the key of resources that hang off it. */
  key: string;
}

const EXT_MOTHERS_MAIDEN_NAME = 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName';
const EXT_BIRTH_TIME = 'http://hl7.org/fhir/StructureDefinition/patient-birthTime';
const EXT_BIRTH_PLACE = 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace';

function sameIdentifier(a: fhir4.Identifier, b: fhir4.Identifier): boolean {
  return a.system === b.system && a.value === b.value;
}

/** PID-3, PID-2, PID-4 (in that order of preference for matching), PID-18, PID-19, PID-20. */
function identifiers(
  ctx: ConversionContext,
  pid: V2Segment,
): { all: fhir4.Identifier[]; key?: fhir4.Identifier } {
  const all: fhir4.Identifier[] = [];
  const push = (id: fhir4.Identifier | undefined): void => {
    if (id !== undefined && !all.some((a) => sameIdentifier(a, id))) all.push(id);
  };
  const pid3 = pid.reps(3).map((r, i) => cx(ctx, r, `${pid.loc(3)}[${i + 1}]`));
  const pid2 = pid.reps(2).map((r) => cx(ctx, r, pid.loc(2)));
  const pid4 = pid.reps(4).map((r, i) => cx(ctx, r, `${pid.loc(4)}[${i + 1}]`));
  [...pid3, ...pid2, ...pid4].forEach(push);
  for (const rep of pid.reps(18)) push(cx(ctx, rep, pid.loc(18), 'AN'));
  const ssn = pid.text(19);
  if (ssn !== undefined) push(identifier(ctx, { value: ssn, typeCode: 'SS', fallbackSystem: US_SSN }));
  const dl = pid.rep(20);
  if (dl?.text(1) !== undefined) {
    const state = dl.text(2);
    push(
      identifier(ctx, {
        value: dl.text(1),
        typeCode: 'DL',
        fallbackSystem: ctx.identifierSystem({ namespace: state ? `DL-${state}` : 'DL' }),
        period: { end: ctx.date(dl.text(3), `${pid.loc(20)}.3`) },
      }),
    );
  }
  // Preferred: a PID-3 typed MR, then any PID-3, PID-2, PID-4. One without a system (no authority
  // and no MSH-3/MSH-4 to scope it) is used only when there is nothing else.
  const candidates = [pid3, pid2, pid4].flat().filter((i): i is fhir4.Identifier => i !== undefined);
  const withSystem = candidates.filter((i) => i.system !== undefined);
  const key =
    pid3.find((i) => i?.system !== undefined && i.type?.coding?.[0]?.code === 'MR') ??
    withSystem[0] ??
    candidates[0];
  return { all, key };
}

export interface PatientOptions {
  /**
   * Patient.link (A40: `replaces` the records merged into this one). A link to the Patient itself
   * (an MRG naming the survivor's own identifier) is left out: a record never replaces itself.
   */
  link?: readonly fhir4.PatientLink[];
}

/** PID (+ PD1) → Patient. Fails only when the patient has no identifier to be matched on. */
export function buildPatient(
  ctx: ConversionContext,
  pid: V2Segment,
  pd1: V2Segment | undefined,
  mode: EntryMode,
  options: PatientOptions = {},
): PatientResult | ConversionError {
  const ids = identifiers(ctx, pid);
  if (ids.key === undefined) {
    return {
      code: 'MISSING_PATIENT_IDENTIFIER',
      location: pid.loc(3),
      reason: 'the patient has no identifier in PID-3, PID-2 or PID-4, so it cannot be matched',
    };
  }
  const names = [
    ...pid.reps(5).map((r, i) => xpn(r, ctx, `${pid.loc(5)}[${i + 1}]`)),
    ...pid.reps(9).map((r, i) => {
      const n = xpn(r, ctx, `${pid.loc(9)}[${i + 1}]`);
      return n && { ...n, use: n.use ?? 'old' };
    }),
  ];

  const birth = pid.text(7);
  const birthDt = ctx.parseDate(birth, pid.loc(7));
  const extension: fhir4.Extension[] = [];
  const maiden = pid.rep(6) && xpn(pid.rep(6)!)?.family;
  if (maiden !== undefined) extension.push({ url: EXT_MOTHERS_MAIDEN_NAME, valueString: maiden });
  const birthPlace = pid.text(23);
  if (birthPlace !== undefined) extension.push({ url: EXT_BIRTH_PLACE, valueAddress: { text: birthPlace } });

  const genderCode = pid.text(8)?.toUpperCase();
  const gender = genderCode !== undefined ? GENDER[genderCode] : undefined;
  if (genderCode !== undefined && gender === undefined) {
    ctx.warn('UNMAPPED_CODE', pid.loc(8), 'administrative sex is not an HL7 table 0001 code; gender omitted');
  }

  const patient: fhir4.Patient = {
    resourceType: 'Patient',
    extension,
    identifier: ids.all,
    name: names.filter((n) => n !== undefined),
    telecom: [...pid.reps(13).map((r) => xtn(r, 'home')), ...pid.reps(14).map((r) => xtn(r, 'work'))].filter(
      (t) => t !== undefined,
    ),
    gender,
    birthDate: birthDt && toFhirDate(birthDt),
    ...deceased(ctx, pid),
    address: pid
      .reps(11)
      .map((r, i) => xad(ctx, r, `${pid.loc(11)}[${i + 1}]`))
      .filter((a) => a !== undefined),
    maritalStatus: maritalStatus(ctx, pid.rep(16)),
    ...multipleBirth(pid),
    communication: pid
      .reps(15)
      .map((r) => {
        const language = cwe(ctx, r);
        return language && { language };
      })
      .filter((c) => c !== undefined),
    generalPractitioner: pd1
      ?.reps(4)
      .map((r) => practitionerRef(ctx, r))
      .filter((r) => r !== undefined),
  };
  if (birthDt?.hour !== undefined) {
    // The birth date keeps the day; the time travels in the standard birthTime extension on it.
    (patient as { _birthDate?: fhir4.Element })._birthDate = {
      extension: [{ url: EXT_BIRTH_TIME, valueDateTime: toFhirDateTime(birthDt, ctx.tz) }],
    };
  }
  const key = `${ids.key.system ?? ''}|${ids.key.value}`;
  const self = ctx.bundle.reference('Patient', { identifier: ids.key, key }).reference;
  patient.link = options.link?.filter((l) => l.other.reference !== self);
  if (ids.key.system === undefined) {
    // A search on a value alone would match any system: the Patient is written by derived id instead.
    ctx.warn(
      'MISSING_VALUE',
      pid.loc(3),
      'patient identifier has no system (no authority, no sender); written by id',
    );
  }
  const ref = ctx.bundle.add(patient, { identifier: ids.key, key, mode });
  return { ref, key };
}

function deceased(
  ctx: ConversionContext,
  pid: V2Segment,
): Pick<fhir4.Patient, 'deceasedBoolean' | 'deceasedDateTime'> {
  const when = ctx.dateTime(pid.text(29), pid.loc(29));
  if (when !== undefined) return { deceasedDateTime: when };
  const flag = pid.text(30)?.toUpperCase();
  if (flag === 'Y') return { deceasedBoolean: true };
  if (flag === 'N') return { deceasedBoolean: false };
  return {};
}

function multipleBirth(pid: V2Segment): Pick<fhir4.Patient, 'multipleBirthBoolean' | 'multipleBirthInteger'> {
  const order = pid.text(25);
  if (order !== undefined && /^\d+$/.test(order) && Number(order) > 0)
    return { multipleBirthInteger: Number(order) };
  const flag = pid.text(24)?.toUpperCase();
  if (flag === 'Y') return { multipleBirthBoolean: true };
  if (flag === 'N') return { multipleBirthBoolean: false };
  return {};
}

/**
 * PID-16 (CWE, table 0002) → maritalStatus: v3 MaritalStatus where it holds the code (the binding's
 * system), else table 0002, else the sender's local 0002; a code the sender puts under another coding
 * system stays there.
 */
function maritalStatus(ctx: ConversionContext, rep: V2Rep | undefined): fhir4.CodeableConcept | undefined {
  const systemName = rep?.text(3);
  if (systemName !== undefined && !/^HL7-?0002$/i.test(systemName)) return cwe(ctx, rep);
  const coding = tableCoding(ctx, [V3('MaritalStatus'), '0002'], rep?.text(1), rep?.text(2));
  return coding && { coding: [coding], text: rep?.text(9) };
}
