import type { ConversionContext } from '../context';
import { cwe, ei, normaliseCode, tableCoding } from '../datatypes';
import { V3 } from '../systems';
import { INTERPRETATION_ALIAS, OBSERVATION_STATUS } from '../tables';
import type { V2Segment } from '../v2-reader';
import { decimal, observationValue, unitOf } from './observation-value';
import { organizationRef } from './organization';
import { practitionerRef } from './practitioner';

export const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

/** A required CodeableConcept the message does not give: empty but for the standard data-absent-reason. */
export const unknownConcept = (): fhir4.CodeableConcept => ({
  extension: [{ url: DATA_ABSENT_REASON, valueCode: 'unknown' }],
});

export interface ObservationInput {
  obx: V2Segment;
  notes: V2Segment[];
  patient: fhir4.Reference;
  encounter?: fhir4.Reference;
  basedOn?: fhir4.Reference;
  /** The event the observation is part of (VXU: the Immunization an OBX of its ORDER group describes). */
  partOf?: fhir4.Reference;
  /** The report's specimen when it has exactly one. */
  specimen?: fhir4.Reference;
  /** Key of the report (or patient/encounter) the OBX belongs to: the Observation id is derived from it. */
  groupKey: string;
  /** OBR-7, for an OBX without OBX-14. */
  effectiveFallback?: string;
  issued?: string;
  /** ED/RP values go to the report's presentedForm instead of an Observation. */
  allowAttachment: boolean;
  /** Keys used so far in this message: a repeated OBX set id/code gets a suffix rather than overwriting. */
  usedKeys: Set<string>;
}

export type ObservationOutcome =
  | { kind: 'observation'; ref: fhir4.Reference }
  | { kind: 'attachment'; attachment: fhir4.Attachment }
  | { kind: 'none' };

/** NTE-3 (FT, repeating) → one Annotation per NTE. */
export function notesOf(notes: V2Segment[]): fhir4.Annotation[] {
  return notes
    .map((nte) => {
      const lines = nte
        .reps(3)
        .map((r) => r.wholeText())
        .filter((t) => t !== undefined);
      return lines.length === 0 ? undefined : { text: lines.join('\n') };
    })
    .filter((n) => n !== undefined);
}

/**
 * OBX-8 (IS, a CWE since v2.7) → interpretation: v3 ObservationInterpretation (the binding's system)
 * where it holds the code, else table 0078, else the sender's local 0078; a CWE under another coding
 * system keeps it.
 */
function interpretation(ctx: ConversionContext, obx: V2Segment): fhir4.CodeableConcept[] {
  return obx
    .reps(8)
    .map((r) => {
      const systemName = r.text(3);
      if (systemName !== undefined && !/^HL7-?0078$/i.test(systemName)) return cwe(ctx, r);
      const raw = normaliseCode(r.text(1));
      if (raw === undefined) return undefined;
      const v3 = tableCoding(
        ctx,
        V3('ObservationInterpretation'),
        INTERPRETATION_ALIAS[raw] ?? raw,
        r.text(2),
      );
      const coding =
        v3?.system === V3('ObservationInterpretation') ? v3 : tableCoding(ctx, '0078', raw, r.text(2));
      return coding && { coding: [coding], text: r.text(9) };
    })
    .filter((c) => c !== undefined);
}

/** OBX-7 → referenceRange: always the text, plus low/high when it reads 'a-b', '>a', '<=b'. */
function referenceRange(
  ctx: ConversionContext,
  obx: V2Segment,
): fhir4.ObservationReferenceRange[] | undefined {
  const text = obx.text(7);
  if (text === undefined) return undefined;
  const unit = unitOf(ctx, obx.rep(6));
  const qty = (value: number): fhir4.Quantity => ({ value, ...unit, extension: undefined });
  const range = /^(-?\d+(?:\.\d+)?|-?\.\d+)\s*(?:-|–|to)\s*(-?\d+(?:\.\d+)?|-?\.\d+)$/.exec(text);
  if (range) {
    const [low, high] = [decimal(range[1]), decimal(range[2])];
    return [
      {
        low: low === undefined ? undefined : qty(low),
        high: high === undefined ? undefined : qty(high),
        text,
      },
    ];
  }
  const bound = /^(>=|>|≥|<=|<|≤)\s*(-?\d+(?:\.\d+)?)$/.exec(text);
  if (bound) {
    const value = decimal(bound[2]);
    if (value !== undefined) {
      return bound[1].startsWith('>') || bound[1] === '≥'
        ? [{ low: qty(value), text }]
        : [{ high: qty(value), text }];
    }
  }
  return [{ text }];
}

/** OBX (+ NTE) → Observation, or an attachment for the report when the value is ED/RP. */
export function buildObservation(ctx: ConversionContext, input: ObservationInput): ObservationOutcome {
  const { obx } = input;
  const value = observationValue({ ctx, obx, allowAttachment: input.allowAttachment });
  if (value.attachment) return { kind: 'attachment', attachment: value.attachment };
  if (obx.text(2) === 'ED' || obx.text(2) === 'RP') return { kind: 'none' };

  const statusCode = normaliseCode(obx.text(11))?.toUpperCase();
  let status = statusCode !== undefined ? OBSERVATION_STATUS[statusCode] : undefined;
  if (status === undefined) {
    ctx.warn(
      statusCode === undefined ? 'MISSING_VALUE' : 'UNMAPPED_CODE',
      obx.loc(11),
      'result status missing or not in HL7 table 0085; status set to unknown',
    );
    status = 'unknown';
  }
  let code = cwe(ctx, obx.rep(3));
  if (code === undefined) {
    ctx.warn('MISSING_VALUE', obx.loc(3), 'observation identifier missing; code marked unknown');
    code = unknownConcept();
  }

  const instance = ei(ctx, obx.rep(21));
  const setId = obx.text(1) ?? '';
  const codeKey = code.coding?.[0]
    ? `${code.coding[0].system ?? ''}|${code.coding[0].code}`
    : (code.text ?? '');
  let key = `${input.groupKey}|${setId}|${codeKey}|${obx.text(4) ?? ''}`;
  for (let n = 2; input.usedKeys.has(key); n++)
    key = `${input.groupKey}|${setId}|${codeKey}|${obx.text(4) ?? ''}#${n}`;
  input.usedKeys.add(key);

  const { attachment: _none, ...valueX } = value;
  const observation: fhir4.Observation = {
    resourceType: 'Observation',
    identifier: instance && [instance],
    basedOn: input.basedOn && [input.basedOn],
    partOf: input.partOf && [input.partOf],
    status,
    code,
    subject: input.patient,
    encounter: input.encounter,
    effectiveDateTime: ctx.dateTime(obx.text(14), obx.loc(14)) ?? input.effectiveFallback,
    issued: input.issued,
    performer: [
      ...obx.reps(16).map((r) => practitionerRef(ctx, r)),
      organizationRef(ctx, obx.rep(23)),
    ].filter((r) => r !== undefined),
    ...valueX,
    interpretation: interpretation(ctx, obx),
    note: notesOf(input.notes),
    method: cwe(ctx, obx.rep(17)),
    specimen: input.specimen,
    referenceRange: referenceRange(ctx, obx),
  };
  const ref = ctx.bundle.add(
    observation,
    instance?.system !== undefined ? { identifier: instance, key } : { key },
  );
  return { kind: 'observation', ref };
}
