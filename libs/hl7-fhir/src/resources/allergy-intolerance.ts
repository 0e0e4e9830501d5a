import type { ConversionContext } from '../context';
import { cwe, normaliseCode } from '../datatypes';
import { ALLERGY_CATEGORY, ALLERGY_CRITICALITY } from '../tables';
import type { V2Segment } from '../v2-reader';

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';

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
  const severity = normaliseCode(al1.text(4))?.toUpperCase();
  const manifestation = al1
    .reps(5)
    .map((r) => r.wholeText())
    .filter((t) => t !== undefined)
    .map((text) => ({ text }));
  const allergy: fhir4.AllergyIntolerance = {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: { coding: [{ system: CLINICAL, code: 'active', display: 'Active' }] },
    category: category && [category],
    criticality: severity !== undefined ? ALLERGY_CRITICALITY[severity] : undefined,
    code,
    patient,
    onsetDateTime: ctx.dateTime(al1.text(6), al1.loc(6)),
    reaction: manifestation.length > 0 ? [{ manifestation }] : undefined,
  };
  const allergen = code.coding?.[0]
    ? `${code.coding[0].system ?? ''}|${code.coding[0].code}`
    : (code.text ?? '');
  return ctx.bundle.add(allergy, { key: `${patientKey}|${allergen}` });
}
