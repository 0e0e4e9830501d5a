import type { ConversionContext } from '../context';
import { cweInTable, normaliseCode } from '../datatypes';
import { V2_TABLE } from '../systems';
import type { V2Segment } from '../v2-reader';
import { medicationOf } from './medication';
import { notesOf } from './observation';
import { decimal, unitOf } from './observation-value';
import { practitionerRef } from './practitioner';

/** RXD-11 substitution status (HL7 table 0167) codes that say whether a substitute was dispensed. */
const WAS_SUBSTITUTED: Record<string, boolean> = { G: true, T: true, N: false };

export interface MedicationDispenseInput {
  rxd: V2Segment;
  /** RXR of the RXD: route and site the dispensed product is for. */
  rxr?: V2Segment;
  notes: V2Segment[];
  patient: fhir4.Reference;
  encounter?: fhir4.Reference;
  /** The order dispensed: a reference to the MedicationRequest of the Bundle, or by its identifier. */
  authorizingPrescription?: fhir4.Reference;
  /** Key of the order (or the patient and prescription number): the dispense id is derived from it. */
  orderKey: string;
  supportingInformation?: fhir4.Reference[];
}

/**
 * RXD (+ RXR, NTE) → MedicationDispense, status completed (RXD reports a dispense that happened).
 * A dispense has no business identifier of its own (RXD-7 numbers the prescription, shared by every
 * refill), so it is written by an id derived from its order, RXD-1 (dispense sub-ID counter) and
 * RXD-3 (when dispensed): a resend replaces it, a refill is a new dispense.
 */
export function buildMedicationDispense(
  ctx: ConversionContext,
  input: MedicationDispenseInput,
): fhir4.Reference {
  const { rxd, rxr } = input;
  const amountText = rxd.text(4);
  const amount = decimal(amountText);
  if (amountText !== undefined && amount === undefined) {
    ctx.warn('INVALID_NUMBER', rxd.loc(4), 'actual dispense amount is not a number; quantity omitted');
  }
  const substitutionCode = normaliseCode(rxd.text(11))?.toUpperCase();
  const wasSubstituted = substitutionCode !== undefined ? WAS_SUBSTITUTED[substitutionCode] : undefined;
  if (substitutionCode !== undefined && wasSubstituted === undefined) {
    ctx.warn(
      'UNMAPPED_CODE',
      rxd.loc(11),
      'substitution status does not say whether a substitute was given; omitted',
    );
  }
  const whenHandedOver = ctx.dateTime(rxd.text(3), rxd.loc(3));
  const dispenseNotes = rxd
    .reps(9)
    .map((r) => r.wholeText())
    .filter((t) => t !== undefined)
    .map((text) => ({ text }));
  const route = cweInTable(ctx, rxr?.rep(1), '0162');
  const site = cweInTable(ctx, rxr?.rep(2), '0163');
  const instructions = rxd
    .reps(15)
    .map((r) => r.text(9) ?? r.text(2) ?? r.text(1))
    .filter((t) => t !== undefined);
  const dispense: fhir4.MedicationDispense = {
    resourceType: 'MedicationDispense',
    status: 'completed',
    ...medicationOf(ctx, {
      code: rxd.rep(2),
      form: rxd.rep(6),
      lotNumber: rxd.text(18),
      expirationDate: ctx.dateTime(rxd.text(19), rxd.loc(19)),
      location: rxd.loc(2),
    }),
    subject: input.patient,
    context: input.encounter,
    supportingInformation: input.supportingInformation,
    performer: rxd
      .reps(10)
      .map((r) => practitionerRef(ctx, r))
      .filter((actor) => actor !== undefined)
      .map((actor) => ({ actor })),
    authorizingPrescription: input.authorizingPrescription && [input.authorizingPrescription],
    quantity: amount !== undefined ? { value: amount, ...unitOf(ctx, rxd.rep(5)) } : undefined,
    whenHandedOver,
    note: [...dispenseNotes, ...notesOf(input.notes)],
    dosageInstruction:
      route !== undefined || site !== undefined || instructions.length > 0
        ? [{ text: instructions.length > 0 ? instructions.join('\n') : undefined, route, site }]
        : undefined,
    substitution:
      wasSubstituted !== undefined
        ? { wasSubstituted, type: { coding: [{ system: V2_TABLE('0167'), code: substitutionCode }] } }
        : undefined,
  };
  const when =
    rxd.text(1) !== undefined || whenHandedOver !== undefined
      ? `${rxd.text(1) ?? ''}|${whenHandedOver ?? ''}`
      : `message:${ctx.msg.msh.text(10) ?? ''}|${rxd.loc()}`;
  return ctx.bundle.add(dispense, { key: `${input.orderKey}|RXD|${when}` });
}
