import type { ConversionContext } from '../context';
import { cwe, ei, normaliseCode } from '../datatypes';
import { DIAGNOSIS_ROLE } from '../tables';
import type { V2Segment } from '../v2-reader';
import { practitionerRef } from './practitioner';

const CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';
const ROLE = 'http://terminology.hl7.org/CodeSystem/diagnosis-role';

export interface ConditionInput {
  dg1: V2Segment;
  patient: fhir4.Reference;
  patientKey: string;
  encounter?: fhir4.Reference;
  encounterKey?: string;
}

/** What a DG1 becomes: the Condition, and its line for Encounter.diagnosis. */
export interface ConditionPlan {
  resource: fhir4.Condition;
  options: { identifier?: fhir4.Identifier; key: string };
  diagnosis?: fhir4.EncounterDiagnosis;
}

/**
 * DG1 → Condition (category encounter-diagnosis), keyed on DG1-20 or encounter + code. Planned
 * before the Encounter is written so that Encounter.diagnosis can point at the Conditions.
 */
export function planCondition(ctx: ConversionContext, input: ConditionInput): ConditionPlan | undefined {
  const { dg1, patient, encounter } = input;
  const code = cwe(ctx, dg1.rep(3)) ?? (dg1.text(4) !== undefined ? { text: dg1.text(4) } : undefined);
  if (code === undefined) {
    ctx.warn('MISSING_VALUE', dg1.loc(3), 'diagnosis code and description missing; diagnosis not converted');
    return undefined;
  }
  const identifier = ei(ctx, dg1.rep(20));
  const resource: fhir4.Condition = {
    resourceType: 'Condition',
    identifier: identifier && [identifier],
    category: [
      { coding: [{ system: CATEGORY, code: 'encounter-diagnosis', display: 'Encounter Diagnosis' }] },
    ],
    code,
    subject: patient,
    encounter,
    onsetDateTime: ctx.dateTime(dg1.text(5), dg1.loc(5)),
    recordedDate: ctx.dateTime(dg1.text(19), dg1.loc(19)),
    asserter: practitionerRef(ctx, dg1.rep(16)),
  };
  const codeKey = code.coding?.[0]
    ? `${code.coding[0].system ?? ''}|${code.coding[0].code}`
    : (code.text ?? '');
  const key = `${input.encounterKey ?? input.patientKey}|${codeKey}`;
  const options = identifier?.system !== undefined ? { identifier, key } : { key };
  let diagnosis: fhir4.EncounterDiagnosis | undefined;
  if (encounter) {
    const type = normaliseCode(dg1.text(6))?.toUpperCase();
    const role = type !== undefined ? DIAGNOSIS_ROLE[type] : undefined;
    const rank = Number(dg1.text(15));
    diagnosis = {
      condition: ctx.bundle.reference('Condition', options),
      use: role && { coding: [{ system: ROLE, ...role }] },
      rank: Number.isInteger(rank) && rank > 0 ? rank : undefined,
    };
  }
  return { resource, options, diagnosis };
}

export function addCondition(ctx: ConversionContext, plan: ConditionPlan): fhir4.Reference {
  return ctx.bundle.add(plan.resource, plan.options);
}
