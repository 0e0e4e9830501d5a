import type { ConversionContext } from '../context';
import { cwe } from '../datatypes';
import type { V2Rep } from '../v2-reader';
import { unknownConcept } from './observation';

export interface MedicationInput {
  /** Give code (RXE-2) or dispense code (RXD-2). */
  code: V2Rep | undefined;
  /** Dosage form (RXE-6, RXD-6). */
  form?: V2Rep;
  lotNumber?: string;
  expirationDate?: string;
  /** Where the code is, for warnings. */
  location: string;
}

const conceptKey = (c: fhir4.CodeableConcept | undefined): string =>
  c?.coding?.[0] ? `${c.coding[0].system ?? ''}|${c.coding[0].code}` : (c?.text ?? '');

/**
 * A drug code (+ form, lot) → a Medication entry of the Bundle, referenced from the request and the
 * dispense, as the V2-to-FHIR IG maps RXO-1/RXE-2 (`medication(Medication.code)`). It is written
 * `PUT Medication/<id>` with the id derived from the code, form and lot, so every message of the
 * sender that names the same product targets the same resource. Without a code, the medication is a
 * CodeableConcept marked unknown (medication[x] is required).
 */
export function medicationOf(
  ctx: ConversionContext,
  input: MedicationInput,
): Pick<fhir4.MedicationRequest, 'medicationReference' | 'medicationCodeableConcept'> {
  const code = cwe(ctx, input.code);
  if (code === undefined) {
    ctx.warn('MISSING_VALUE', input.location, 'medication code missing; medication marked unknown');
    return { medicationCodeableConcept: unknownConcept() };
  }
  const form = cwe(ctx, input.form);
  const batch =
    input.lotNumber !== undefined || input.expirationDate !== undefined
      ? { lotNumber: input.lotNumber, expirationDate: input.expirationDate }
      : undefined;
  const key = [conceptKey(code), conceptKey(form), input.lotNumber ?? '', input.expirationDate ?? ''].join(
    '\u001e',
  );
  const ref = ctx.bundle.add({ resourceType: 'Medication', code, form, batch }, { key });
  return { medicationReference: { ...ref, display: code.coding?.[0]?.display ?? code.text } };
}
