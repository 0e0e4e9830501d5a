import type { ConversionContext } from '../context';
import { parseV2DateTime, toFhirDateTime, toFhirTime } from '../datetime';
import { cweMerged, normaliseCode } from '../datatypes';
import { UCUM } from '../systems';
import { MIME_TYPES } from '../tables';
import { isUcum } from '../ucum';
import type { V2Rep, V2Segment } from '../v2-reader';

/** Extension keeping the sender's own unit code when the unit is sent as UCUM under another code. */
export const EXT_ORIGINAL_UNIT = 'urn:meridian:fhir:extension:hl7v2-original-unit';

/** value[x] of an Observation (exactly one key set), or an attachment for DiagnosticReport.presentedForm. */
export type ObservationValue = Partial<
  Pick<
    fhir4.Observation,
    | 'valueQuantity'
    | 'valueString'
    | 'valueCodeableConcept'
    | 'valueDateTime'
    | 'valueTime'
    | 'valueRange'
    | 'valueRatio'
  >
> & { attachment?: fhir4.Attachment };

type Unit = Pick<fhir4.Quantity, 'unit' | 'system' | 'code' | 'extension'>;

/**
 * OBX-6 → the unit part of a Quantity. UCUM when OBX-6.3 says UCUM, or when the code or text is a
 * UCUM unit of clinical use (ANSI/ISO+ and unlabelled units mostly are: mg/dL, mo, d); otherwise the
 * text only (and the sender's code under its own system when it names one).
 */
export function unitOf(ctx: ConversionContext, rep: V2Rep | undefined, location?: string): Unit | undefined {
  if (rep === undefined) return undefined;
  const code = rep.text(1);
  const text = rep.text(2);
  const systemName = rep.text(3);
  // A code the sender calls UCUM but that is no UCUM expression ('iU/mL') is not put under UCUM's
  // system, which does not hold it: the unit keeps its text.
  const senderSystem = systemName && ctx.codeSystem(systemName);
  const declaredUcum = senderSystem === UCUM;
  for (const candidate of [code, text]) {
    if (candidate !== undefined && isUcum(candidate, declaredUcum && candidate === code)) {
      const keepOriginal = code !== undefined && code !== candidate;
      return {
        unit: candidate,
        system: UCUM,
        code: candidate,
        extension: keepOriginal
          ? [
              {
                url: EXT_ORIGINAL_UNIT,
                valueCoding: {
                  system: declaredUcum ? undefined : senderSystem,
                  code: normaliseCode(code),
                  display: text,
                },
              },
            ]
          : undefined,
      };
    }
  }
  const unit = text ?? code;
  if (unit === undefined) return undefined;
  if (declaredUcum && code !== undefined) {
    if (location !== undefined) {
      ctx.warn('INVALID_VALUE', location, 'unit is declared UCUM but is no UCUM expression; kept as text');
    }
    return { unit };
  }
  return senderSystem && code !== undefined
    ? { unit, system: senderSystem, code: normaliseCode(code) }
    : { unit };
}

/** A decimal as FHIR JSON writes it; undefined when not a number. */
export function decimal(text: string | undefined): number | undefined {
  if (text === undefined || !/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

const COMPARATORS: Record<string, fhir4.Quantity['comparator'] | null> = {
  '<': '<',
  '>': '>',
  '<=': '<=',
  '>=': '>=',
  '=': null,
};

export interface ValueContext {
  ctx: ConversionContext;
  obx: V2Segment;
  /** Where ED/RP content can go: only a report has presentedForm. */
  allowAttachment: boolean;
}

const asString = (reps: V2Rep[]): string | undefined => {
  const lines = reps.map((r) => r.wholeText()).filter((t) => t !== undefined);
  return lines.length === 0 ? undefined : lines.join('\n');
};

/**
 * Non-empty components and sub-components joined by a space: how a value of a type FHIR has no
 * value[x] for (CX, XPN, XAD, HD…) is kept readable, without a raw separator in it.
 */
const componentsText = (rep: V2Rep): string | undefined => {
  const parts: string[] = [];
  for (let c = 1; c <= rep.length; c++) {
    const nested = rep.nested(c);
    for (let s = 1; nested !== undefined && s <= nested.length; s++) {
      const t = nested.text(s);
      if (t !== undefined) parts.push(t);
    }
  }
  return parts.length === 0 ? undefined : parts.join(' ');
};

/** OBX-5 by OBX-2. Values that do not fit their declared type are kept as strings, with a warning. */
const KNOWN_TYPES = new Set([
  'NM',
  'SN',
  'ST',
  'TX',
  'FT',
  'ID',
  'IS',
  'CE',
  'CWE',
  'CNE',
  'CF',
  'DT',
  'DTM',
  'TS',
  'TM',
  'ED',
  'RP',
]);
/** HL7 types with no FHIR value[x]: kept as text. */
const OTHER_TYPES = new Set([
  'CX',
  'XCN',
  'XPN',
  'XAD',
  'XON',
  'XTN',
  'CP',
  'MO',
  'NA',
  'MA',
  'CK',
  'CN',
  'DR',
  'PN',
  'TN',
  'AD',
  'EI',
  'HD',
  'PL',
  'SAD',
]);

export function observationValue(v: ValueContext): ObservationValue {
  const { ctx, obx } = v;
  const type = obx.text(2)?.toUpperCase();
  if (type !== undefined && !KNOWN_TYPES.has(type)) {
    ctx.warn(
      OTHER_TYPES.has(type) ? 'UNSUPPORTED_VALUE_TYPE' : 'UNKNOWN_VALUE_TYPE',
      obx.loc(2),
      OTHER_TYPES.has(type)
        ? `value type ${type} has no FHIR value[x]; value kept as valueString`
        : 'value type is not an HL7 data type; value kept as valueString',
    );
  }
  if (obx.rep(4)?.rawComponent(2) !== undefined) {
    ctx.warn('INVALID_VALUE', obx.loc(4), 'sub-id holds components: the fields of this OBX look shifted');
  }
  const reps = obx.reps(5);
  if (reps.length === 0) return {};
  const location = obx.loc(5);
  const single = (): V2Rep => {
    if (reps.length > 1) {
      ctx.warn(
        'UNEXPECTED_REPETITION',
        location,
        `OBX-5 of type ${type} repeats; only the first repetition is used`,
      );
    }
    return reps[0];
  };
  const keepAsString = (
    code: 'INVALID_NUMBER' | 'INVALID_DATE' | 'INVALID_VALUE',
    reason: string,
  ): ObservationValue => {
    ctx.warn(code, location, `${reason}; kept as valueString`);
    return { valueString: asString(reps) };
  };

  switch (type) {
    case 'NM': {
      const text = single().text(1);
      const m = text === undefined ? null : /^(<=|>=|<|>|=)?\s*(.+)$/.exec(text);
      const value = decimal(m?.[2]);
      if (value === undefined || !m) return keepAsString('INVALID_NUMBER', 'NM value is not a number');
      const comparator = m[1] !== undefined ? COMPARATORS[m[1]] : undefined;
      if (m[1] !== undefined && m[1] !== '=') {
        ctx.warn('INVALID_NUMBER', location, 'NM value carries a comparator; mapped to Quantity.comparator');
      }
      return {
        valueQuantity: { value, comparator: comparator ?? undefined, ...unitOf(ctx, obx.rep(6), obx.loc(6)) },
      };
    }
    case 'SN':
      return structuredNumeric(v, single(), keepAsString);
    case 'ST':
    case 'TX':
    case 'FT':
      return { valueString: asString(reps) };
    case 'ID':
    case 'IS':
      return { valueString: asString(reps) };
    case 'CE':
    case 'CWE':
    case 'CNE':
    case 'CF': {
      const concept = cweMerged(ctx, reps);
      return concept === undefined ? {} : { valueCodeableConcept: concept };
    }
    case 'DT':
    case 'DTM':
    case 'TS': {
      const dt = parseV2DateTime(single().text(1));
      if (dt === undefined) return keepAsString('INVALID_DATE', `${type} value is not a valid HL7 date/time`);
      return { valueDateTime: toFhirDateTime(dt, ctx.tz) };
    }
    case 'TM': {
      const time = toFhirTime(single().text(1));
      if (time === undefined) return keepAsString('INVALID_VALUE', 'TM value is not a valid time');
      return { valueTime: time };
    }
    case 'ED':
    case 'RP':
      return attachmentValue(v, type, reps);
    case undefined:
      ctx.warn('UNKNOWN_VALUE_TYPE', obx.loc(2), 'value type missing; value kept as valueString');
      return { valueString: asString(reps) };
    default: {
      // Warned above: a type FHIR has no value[x] for, or not a type at all.
      const texts = reps.map(componentsText).filter((t) => t !== undefined);
      return texts.length === 0 ? {} : { valueString: texts.join('\n') };
    }
  }
}

/** SN: comparator ^ num1 ^ separator/suffix ^ num2 → Quantity (with comparator), Range, Ratio. */
function structuredNumeric(
  v: ValueContext,
  rep: V2Rep,
  keepAsString: (code: 'INVALID_NUMBER', reason: string) => ObservationValue,
): ObservationValue {
  const { ctx, obx } = v;
  const comparatorText = rep.text(1);
  const n1 = decimal(rep.text(2));
  const sep = rep.text(3);
  const n2 = decimal(rep.text(4));
  const unit = unitOf(ctx, obx.rep(6), obx.loc(6));
  const comparator = comparatorText === undefined ? undefined : COMPARATORS[comparatorText];
  if (n1 === undefined || (comparator === undefined && comparatorText !== undefined)) {
    return keepAsString('INVALID_NUMBER', 'SN value is not a structured numeric FHIR can hold');
  }
  if (sep === undefined && n2 === undefined) {
    return { valueQuantity: { value: n1, comparator: comparator ?? undefined, ...unit } };
  }
  if (n2 !== undefined && (sep === ':' || sep === '/') && comparator == null) {
    return { valueRatio: { numerator: { value: n1 }, denominator: { value: n2 } } };
  }
  if (n2 !== undefined && sep === '-' && comparator == null) {
    return { valueRange: { low: { value: n1, ...unit }, high: { value: n2, ...unit } } };
  }
  if (n2 !== undefined && sep === '.' && comparator == null) {
    const value = decimal(`${rep.text(2)}.${rep.text(4)}`);
    if (value !== undefined) return { valueQuantity: { value, ...unit } };
  }
  return keepAsString('INVALID_NUMBER', 'SN value is not a structured numeric FHIR can hold');
}

/** ED (source ^ type ^ subtype ^ encoding ^ data) or RP (pointer ^ application ^ type ^ subtype). */
function attachmentValue(v: ValueContext, type: 'ED' | 'RP', reps: V2Rep[]): ObservationValue {
  const { ctx, obx } = v;
  if (!v.allowAttachment) {
    ctx.warn('UNSUPPORTED_VALUE_TYPE', obx.loc(2), `${type} content outside a report is not converted`);
    return {};
  }
  const rep = reps[0];
  if (type === 'RP') {
    const pointer = rep.text(1);
    if (pointer === undefined || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(pointer)) {
      ctx.warn('INVALID_VALUE', obx.loc(5), 'reference pointer is not a URL; not converted');
      return {};
    }
    return { attachment: { contentType: mimeType(rep.text(3), rep.text(4)), url: pointer } };
  }
  const data = edData(rep.text(4), rep.rawComponent(5) === undefined ? undefined : rep.text(5));
  if (data === undefined) {
    ctx.warn('INVALID_VALUE', obx.loc(5), 'encapsulated data missing or not decodable; not converted');
    return {};
  }
  return {
    attachment: { contentType: mimeType(rep.text(2), rep.text(3)) ?? 'application/octet-stream', data },
  };
}

/** MIME type from HL7 type/subtype (AP^PDF, TEXT^RTF, IM^JPEG, or a MIME type already). */
export function mimeType(type: string | undefined, subtype: string | undefined): string | undefined {
  for (const candidate of [subtype, type]) {
    if (candidate === undefined) continue;
    if (/^[a-z]+\/[a-z0-9.+-]+$/i.test(candidate)) return candidate.toLowerCase();
    const known = MIME_TYPES[candidate.toUpperCase()];
    if (known !== undefined) return known;
  }
  return undefined;
}

/** ED data as base64: Base64 is checked and kept, Hex converted, A/none (text) encoded as UTF-8. */
export function edData(encoding: string | undefined, data: string | undefined): string | undefined {
  if (data === undefined) return undefined;
  const enc = encoding?.toUpperCase();
  if (enc === 'BASE64') {
    // Senders drop the padding or use the URL-safe alphabet; FHIR base64Binary wants neither.
    const clean = data.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
    if (!/^[A-Za-z0-9+/]+$/.test(clean) || clean.length % 4 === 1) return undefined;
    return clean + '='.repeat((4 - (clean.length % 4)) % 4);
  }
  if (enc === 'HEX') {
    const clean = data.replace(/\s+/g, '');
    return /^([0-9A-Fa-f]{2})+$/.test(clean) ? Buffer.from(clean, 'hex').toString('base64') : undefined;
  }
  return Buffer.from(data, 'utf8').toString('base64');
}
