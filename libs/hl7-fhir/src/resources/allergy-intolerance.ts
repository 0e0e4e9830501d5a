import type { ConversionContext } from '../context';
import { cwe, normaliseCode } from '../datatypes';
import { ALLERGY_CATEGORY } from '../tables';
import type { V2Segment } from '../v2-reader';
import { unknownConcept } from './observation';

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';

/**
 * AL1-4 allergy severity (table 0128) → reaction.severity: SV severe, MO moderate, MI mild; U
 * (unknown) says nothing, so no severity is written.
 */
const SEVERITY: Record<string, fhir4.AllergyIntoleranceReaction['severity']> = {
  SV: 'severe',
  MO: 'moderate',
  MI: 'mild',
};

/**
 * AL1-4 → criticality as the V2-to-FHIR IG's ConceptMap table-hl70128-to-allergy-intolerance-criticality
 * has it: SV high, MI low; MO and U map to none.
 */
const CRITICALITY: Record<string, fhir4.AllergyIntolerance['criticality']> = { SV: 'high', MI: 'low' };

/** AL1 → AllergyIntolerance (`PUT AllergyIntolerance/<id>`, id from patient + allergen). */
export function buildAllergy(
  ctx: ConversionContext,
  al1: V2Segment,
  patient: fhir4.Reference,
  patientKey: string,
): fhir4.Reference | undefined {
  const code = cwe(ctx, al1.rep(3));
  if (code === undefined) {
    ctx.warn('MISSING_VALUE', al1.loc(3), 'allergen missing; allergy not converted');
    return undefined;
  }
  const type = normaliseCode(al1.text(2))?.toUpperCase();
  const category = type !== undefined ? ALLERGY_CATEGORY[type] : undefined;
  const severityCode = normaliseCode(al1.text(4))?.toUpperCase();
  const severity = severityCode !== undefined ? SEVERITY[severityCode] : undefined;
  if (severityCode !== undefined && severity === undefined && severityCode !== 'U') {
    ctx.warn('UNMAPPED_CODE', al1.loc(4), 'allergy severity is not in HL7 table 0128; not mapped');
  }
  const manifestation = al1
    .reps(5)
    .map((r) => r.wholeText())
    .filter((t) => t !== undefined)
    .map((text) => ({ text }));
  const allergy: fhir4.AllergyIntolerance = {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: { coding: [{ system: CLINICAL, code: 'active', display: 'Active' }] },
    category: category && [category],
    criticality: severityCode !== undefined ? CRITICALITY[severityCode] : undefined,
    code,
    patient,
    onsetDateTime: ctx.dateTime(al1.text(6), al1.loc(6)),
    // A reaction needs a manifestation (1..*): a severity without AL1-5 gets an unknown one.
    reaction:
      manifestation.length > 0 || severity !== undefined
        ? [{ manifestation: manifestation.length > 0 ? manifestation : [unknownConcept()], severity }]
        : undefined,
  };
  const allergen = code.coding?.[0]
    ? `${code.coding[0].system ?? ''}|${code.coding[0].code}`
    : (code.text ?? '');
  return ctx.bundle.add(allergy, { key: `${patientKey}|${allergen}` });
}
