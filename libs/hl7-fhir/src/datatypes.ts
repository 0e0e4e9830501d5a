import type { ConversionContext } from './context';
import { type Hd, US_NPI, US_SSN, V2_TABLE } from './systems';
import { ADDRESS_TYPE, ADDRESS_USE, IDENTIFIER_TYPES, NAME_USE, TELECOM_SYSTEM, TELECOM_USE } from './tables';
import type { V2Rep } from './v2-reader';

/** HL7 data types (HD, CX, EI, XPN, XAD, XTN, CWE, XCN, PL, DR) to FHIR data types. */

const compact = <T>(values: (T | undefined)[]): T[] => values.filter((v): v is T => v !== undefined);

/** FHIR codes allow single inner spaces only. */
export const normaliseCode = (code: string | undefined): string | undefined =>
  code === undefined ? undefined : code.replace(/\s+/g, ' ');

/** HD read from components 1–3 of `rep` (pass a nested view for an HD inside a component). */
export function hdOf(rep: V2Rep | undefined): Hd | undefined {
  if (rep === undefined) return undefined;
  const hd: Hd = { namespace: rep.text(1), universalId: rep.text(2), universalIdType: rep.text(3) };
  return hd.namespace === undefined && hd.universalId === undefined ? undefined : hd;
}

/** Identifier.type from an HL7 0203 code: coded when the table has it, kept as text otherwise. */
export function identifierType(code: string | undefined): fhir4.CodeableConcept | undefined {
  const c = normaliseCode(code);
  if (c === undefined) return undefined;
  const display = IDENTIFIER_TYPES[c.toUpperCase()];
  if (display !== undefined) {
    return { coding: [{ system: V2_TABLE('0203'), code: c.toUpperCase(), display }] };
  }
  return { coding: [{ code: c }], text: c };
}

export interface IdentifierParts {
  value: string | undefined;
  authority?: Hd;
  typeCode?: string;
  /** Used when the authority gives no system: usually the sender's. */
  fallbackSystem?: string;
  period?: fhir4.Period;
}

export function identifier(ctx: ConversionContext, parts: IdentifierParts): fhir4.Identifier | undefined {
  const { value, authority, typeCode, period } = parts;
  if (value === undefined) return undefined;
  let system = ctx.identifierSystem(authority);
  const type = typeCode?.toUpperCase();
  if (system === undefined && (type === 'SS' || type === 'SSN')) system = US_SSN;
  if (system === undefined && type === 'NPI') system = US_NPI;
  system ??= parts.fallbackSystem;
  return {
    type: identifierType(typeCode),
    system,
    value,
    period,
    assigner:
      authority && (authority.namespace ?? authority.universalId)
        ? { display: authority.namespace ?? authority.universalId }
        : undefined,
  };
}

/** CX → Identifier. No assigning authority: the sender's system (an MRN is unique at its sender). */
export function cx(
  ctx: ConversionContext,
  rep: V2Rep,
  location: string,
  typeCode?: string,
): fhir4.Identifier | undefined {
  return identifier(ctx, {
    value: rep.text(1),
    authority: hdOf(rep.nested(4)) ?? hdOf(rep.nested(6)),
    typeCode: rep.text(5) ?? typeCode,
    fallbackSystem: ctx.senderSystem,
    period: period(ctx.dateTime(rep.text(7), `${location}.7`), ctx.dateTime(rep.text(8), `${location}.8`)),
  });
}

/** EI (entity identifier: value, namespace, universal id, type) at components start…start+3. */
export function ei(
  ctx: ConversionContext,
  rep: V2Rep | undefined,
  typeCode?: string,
  fallbackSystem?: string,
): fhir4.Identifier | undefined {
  if (rep === undefined) return undefined;
  const authority: Hd | undefined =
    rep.text(2) !== undefined || rep.text(3) !== undefined
      ? { namespace: rep.text(2), universalId: rep.text(3), universalIdType: rep.text(4) }
      : undefined;
  return identifier(ctx, {
    value: rep.text(1),
    authority,
    typeCode,
    fallbackSystem: fallbackSystem ?? ctx.senderSystem,
  });
}

export function period(start: string | undefined, end: string | undefined): fhir4.Period | undefined {
  return start === undefined && end === undefined ? undefined : { start, end };
}

/** XPN → HumanName (family from FN.1 surname). */
export function xpn(rep: V2Rep): fhir4.HumanName | undefined {
  const family = rep.sub(1, 1);
  const given = compact([rep.text(2), rep.text(3)]);
  const prefix = compact([rep.text(5)]);
  const suffix = compact([rep.text(4), rep.text(6), rep.text(14)]);
  if (family === undefined && given.length === 0 && prefix.length === 0 && suffix.length === 0)
    return undefined;
  const type = rep.text(7)?.toUpperCase();
  return {
    use: type !== undefined ? NAME_USE[type] : undefined,
    family,
    given,
    prefix,
    suffix,
  };
}

/** XAD → Address. */
export function xad(ctx: ConversionContext, rep: V2Rep, location: string): fhir4.Address | undefined {
  const line = compact([rep.sub(1, 1), rep.text(2)]);
  const address: fhir4.Address = {
    line,
    city: rep.text(3),
    district: rep.text(9),
    state: rep.text(4),
    postalCode: rep.text(5),
    country: rep.text(6),
  };
  if (
    line.length === 0 &&
    !address.city &&
    !address.district &&
    !address.state &&
    !address.postalCode &&
    !address.country
  ) {
    return undefined;
  }
  const type = rep.text(7)?.toUpperCase();
  return {
    use: type !== undefined ? ADDRESS_USE[type] : undefined,
    type: type !== undefined ? ADDRESS_TYPE[type] : undefined,
    ...address,
    period: period(
      ctx.dateTime(rep.text(13), `${location}.13`),
      ctx.dateTime(rep.text(14), `${location}.14`),
    ),
  };
}

/** XTN → ContactPoint; `defaultUse` applies when XTN.2 is empty or not a table 0201 code. */
export function xtn(rep: V2Rep, defaultUse?: fhir4.ContactPoint['use']): fhir4.ContactPoint | undefined {
  const useCode = rep.text(2)?.toUpperCase();
  const equipment = rep.text(3)?.toUpperCase();
  let system: fhir4.ContactPoint['system'] =
    (equipment !== undefined ? TELECOM_SYSTEM[equipment] : undefined) ??
    (useCode === 'NET' ? 'email' : useCode === 'BPN' ? 'pager' : undefined);
  const email = rep.text(4);
  const composed = composeNumber(rep);
  let value: string | undefined;
  if (system === 'email') {
    // Some senders put the address in XTN.1 or even XTN.2 ('6666666666^me@example.org^EMAIL').
    value = [email, rep.text(1), rep.text(2)].find((v) => v?.includes('@'));
    if (value === undefined) system = undefined;
  }
  value ??= rep.text(1) ?? composed ?? rep.text(12) ?? email;
  if (value === undefined) return undefined;
  system ??= value === email || (/@/.test(value) && !/\d{3}/.test(value)) ? 'email' : 'phone';
  const use =
    equipment === 'CP'
      ? 'mobile'
      : ((useCode !== undefined ? TELECOM_USE[useCode] : undefined) ?? defaultUse);
  return { system, value, use };
}

function composeNumber(rep: V2Rep): string | undefined {
  const local = rep.text(7);
  if (local === undefined) return undefined;
  const country = rep.text(5);
  const area = rep.text(6);
  const ext = rep.text(8);
  const parts = compact([country && `+${country.replace(/^\+/, '')}`, area && `(${area})`, local]);
  return parts.join(' ') + (ext ? ` ext. ${ext}` : '');
}

/**
 * A coding system name is a short token (LN, 99zzz, HL70078, ISO+). Anything else in CWE.3 (a LOINC
 * long name shifted into it, free text) names no system.
 */
const SYSTEM_NAME = /^[A-Za-z0-9][A-Za-z0-9._+:-]{0,29}$/;

/** A Coding from code/display/system-name; the system name becomes a URI (unknown ones: ours). */
export function coding(
  ctx: ConversionContext,
  code: string | undefined,
  display: string | undefined,
  systemName: string | undefined,
): fhir4.Coding | undefined {
  const c = normaliseCode(code);
  if (c === undefined) return undefined;
  const system =
    systemName !== undefined && SYSTEM_NAME.test(systemName) ? ctx.codeSystem(systemName) : undefined;
  return { system, code: c, display };
}

/** CE/CWE/CNE → CodeableConcept (identifier, alternate identifier, second alternate; CWE.9 original text). */
export function cwe(ctx: ConversionContext, rep: V2Rep | undefined): fhir4.CodeableConcept | undefined {
  if (rep === undefined) return undefined;
  const codings = compact([
    coding(ctx, rep.text(1), rep.text(2), rep.text(3)),
    coding(ctx, rep.text(4), rep.text(5), rep.text(6)),
    coding(ctx, rep.text(10), rep.text(11), rep.text(12)),
  ]);
  const text = rep.text(9) ?? (codings.length === 0 ? (rep.text(2) ?? rep.text(5)) : undefined);
  if (codings.length === 0 && text === undefined) return undefined;
  return { coding: codings, text };
}

/** Several CE/CWE repetitions as one CodeableConcept (repetitions of a coded value are translations). */
export function cweMerged(ctx: ConversionContext, reps: V2Rep[]): fhir4.CodeableConcept | undefined {
  const concepts = compact(reps.map((r) => cwe(ctx, r)));
  if (concepts.length <= 1) return concepts[0];
  return {
    coding: concepts.flatMap((c) => c.coding ?? []),
    text: concepts.map((c) => c.text).find((t) => t !== undefined),
  };
}

/** A code from a v2 table (IS/ID) as a CodeableConcept in that table's system. */
export function tableConcept(
  code: string | undefined,
  table: string,
  display?: string,
): fhir4.CodeableConcept | undefined {
  const c = normaliseCode(code);
  return c === undefined ? undefined : { coding: [{ system: V2_TABLE(table), code: c, display }] };
}

/** A CWE whose code comes from a v2 table when the sender names no coding system. */
export function cweInTable(
  ctx: ConversionContext,
  rep: V2Rep | undefined,
  table: string,
): fhir4.CodeableConcept | undefined {
  const concept = cwe(ctx, rep);
  if (concept?.coding?.[0] && concept.coding[0].system === undefined) {
    concept.coding[0] = { ...concept.coding[0], system: V2_TABLE(table) };
  }
  return concept;
}

export interface PersonParts {
  identifier?: fhir4.Identifier;
  name?: fhir4.HumanName;
}

/** XCN (or CNN) → identifier and name of a practitioner. */
export function xcn(ctx: ConversionContext, rep: V2Rep): PersonParts {
  const name: fhir4.HumanName | undefined =
    rep.sub(2, 1) !== undefined || rep.text(3) !== undefined
      ? {
          family: rep.sub(2, 1),
          given: compact([rep.text(3), rep.text(4)]),
          prefix: compact([rep.text(6)]),
          suffix: compact([rep.text(5), rep.text(7)]),
        }
      : undefined;
  const typeCode = rep.text(13);
  const authority = hdOf(rep.nested(9));
  const ident = identifier(ctx, {
    value: rep.text(1),
    authority,
    typeCode,
    fallbackSystem: ctx.senderSystem,
  });
  return { identifier: ident, name };
}

/** Text of a HumanName for displays and keys. */
export function nameText(name: fhir4.HumanName | undefined): string | undefined {
  if (name === undefined) return undefined;
  const text = [...(name.prefix ?? []), ...(name.given ?? []), name.family, ...(name.suffix ?? [])]
    .filter((p) => p !== undefined)
    .join(' ');
  return text === '' ? undefined : text;
}

export interface PlaceParts {
  pointOfCare?: string;
  room?: string;
  bed?: string;
  facility?: string;
  building?: string;
  floor?: string;
  description?: string;
}

/** PL (person location). */
export function pl(rep: V2Rep): PlaceParts | undefined {
  const parts: PlaceParts = {
    pointOfCare: rep.text(1),
    room: rep.text(2),
    bed: rep.text(3),
    facility: rep.sub(4, 1) ?? rep.sub(4, 2),
    building: rep.text(7),
    floor: rep.text(8),
    description: rep.text(9),
  };
  return Object.values(parts).some((v) => v !== undefined) ? parts : undefined;
}
