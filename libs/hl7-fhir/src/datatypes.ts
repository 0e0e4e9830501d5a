import { knownCodeSystemHas } from '@meridian/fhir';
import type { ConversionContext } from './context';
import { type Hd, UCUM, US_NPI, US_SSN, V2_TABLE } from './systems';
import { ADDRESS_TYPE, ADDRESS_USE, IDENTIFIER_TYPES, NAME_USE, TELECOM_SYSTEM, TELECOM_USE } from './tables';
import { isUcum } from './ucum';
import type { V2Rep } from './v2-reader';

/** HL7 data types (HD, CX, EI, XPN/FN, XAD/SAD, XTN, CWE, XCN, PL, DR, CQ) to FHIR data types; codes from HL7 tables. */

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

/** A table number ('0203') or a code system URI. */
const systemOf = (table: string): string => (/^\d{4}$/.test(table) ? V2_TABLE(table) : table);

/** HL7 code systems whose codes FHIR R4 ships in full: v2 tables and v3 code systems. */
const HL7_TABLE_SYSTEM = /^http:\/\/terminology\.hl7\.org\/CodeSystem\/(v2-\d{4}|v3-[A-Za-z]+)$/;

/**
 * The code as `system` holds it: as sent, else the one case variant the system has (`f` → `F` in
 * table 0001, `INTERNET` → `Internet` in 0202; codes are case-sensitive to a FHIR server). false when
 * the system is one R4 ships and lacks the code; undefined when it is not one R4 ships (LOINC,
 * SNOMED, local systems): nothing to judge.
 */
export function heldCode(system: string, code: string): string | false | undefined {
  const external = EXTERNAL_SYSTEMS[system];
  if (external !== undefined) return external(code);
  const exact = knownCodeSystemHas(system, code);
  if (exact !== false) return exact === true ? code : undefined;
  const capitalised = code.charAt(0).toUpperCase() + code.slice(1).toLowerCase();
  return (
    [code.toUpperCase(), code.toLowerCase(), capitalised].find((v) => knownCodeSystemHas(system, v)) ?? false
  );
}

/**
 * Code systems outside R4's HL7 tables that a FHIR server still validates (HAPI knows UCUM's grammar
 * and ISO 3166): what can be judged here without their full lists. An ISO 3166 code must at least
 * be an alpha-2 or alpha-3 code (HAPI has no numeric ones); a UCUM code must parse.
 */
const EXTERNAL_SYSTEMS: Record<string, (code: string) => string | false> = {
  [UCUM]: (code) => (isUcum(code, true) ? code : false),
  'urn:iso:std:iso:3166': (code) => (/^[A-Za-z]{2,3}$/.test(code) ? code.toUpperCase() : false),
};

/** The integration's own system for an HL7 table (`codeSystems: { HL70069: … }`), which wins outright. */
function tableOverride(ctx: ConversionContext, system: string): string | undefined {
  const table = /\/v2-(\d{4})$/.exec(system);
  return table ? ctx.options.codeSystems?.[`HL7${table[1]}`] : undefined;
}

/**
 * A code from HL7 tables or code systems, tried in order (a table number '0002' or a URI): coded in
 * the first that holds it, spelled as it spells it; otherwise in the sender's local version of the
 * last one (`urn:meridian:codesystem:<sender>/v2-0069`), display kept. Never a code under a system
 * that does not hold it: a strict server refuses that ("Unknown code"). A v2 table R4 does not ship
 * (0112, 0086: user-defined, so local by nature) cannot vouch for a code, so such codes are local too.
 * Every "code from table N" goes through here (tableConcept, cweInTable, CWE.3 = HL7nnnn).
 */
export function tableCoding(
  ctx: ConversionContext,
  tables: string | readonly string[],
  code: string | undefined,
  display?: string,
): fhir4.Coding | undefined {
  const c = normaliseCode(code);
  if (c === undefined) return undefined;
  const systems = (typeof tables === 'string' ? [tables] : tables).map(systemOf);
  for (const system of systems) {
    const override = tableOverride(ctx, system);
    if (override !== undefined) return { system: override, code: c, display };
    const held = heldCode(system, c);
    if (held) return { system, code: held, display };
    if (held === undefined && !HL7_TABLE_SYSTEM.test(system)) return { system, code: c, display };
    // Known and lacking the code: the next system, else the sender's local version of the last.
  }
  return { system: ctx.localCodeSystem(systems[systems.length - 1]), code: c, display };
}

/** True when a coding is in the standard system itself (not a sender's local version of it). */
export const inSystem = (coding: fhir4.Coding | undefined, table: string): boolean =>
  coding?.system === systemOf(table);

/** Identifier.type from a table 0203 code: coded when the table holds it, else the sender's code (and text). */
export function identifierType(
  ctx: ConversionContext,
  code: string | undefined,
): fhir4.CodeableConcept | undefined {
  const coding = tableCoding(ctx, '0203', code);
  if (coding === undefined) return undefined;
  if (inSystem(coding, '0203')) {
    return { coding: [{ ...coding, display: IDENTIFIER_TYPES[coding.code ?? ''] }] };
  }
  return { coding: [coding], text: coding.code };
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
    type: identifierType(ctx, typeCode),
    system,
    value,
    period,
    assigner:
      authority && (authority.namespace ?? authority.universalId)
        ? { display: authority.namespace ?? authority.universalId }
        : undefined,
  };
}

/**
 * CX → Identifier: CX.1 id (ST), CX.4 assigning authority (HD in sub-components, else CX.6 assigning
 * facility), CX.5 type (ID; the code of a CWE some senders put there), CX.7/CX.8 effective and
 * expiration dates. No assigning authority: the sender's system (an MRN is unique at its sender).
 */
export function cx(
  ctx: ConversionContext,
  rep: V2Rep,
  location: string,
  typeCode?: string,
): fhir4.Identifier | undefined {
  return identifier(ctx, {
    value: rep.text(1),
    authority: hdOf(rep.nested(4)) ?? hdOf(rep.nested(6)),
    typeCode: rep.sub(5, 1) ?? typeCode,
    fallbackSystem: ctx.senderSystem,
    period: ctx.period(rep.sub(7, 1), `${location}.7`, rep.sub(8, 1), `${location}.8`),
  });
}

/**
 * EI (entity identifier ^ namespace id ^ universal id ^ universal id type) → Identifier, the
 * authority derived as for a CX. Pass `rep.nested(c)` for an EI inside a component (EIP, PL.10).
 */
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

const EXT_OWN_PREFIX = 'http://hl7.org/fhir/StructureDefinition/humanname-own-prefix';
const EXT_OWN_NAME = 'http://hl7.org/fhir/StructureDefinition/humanname-own-name';
const EXT_PARTNER_PREFIX = 'http://hl7.org/fhir/StructureDefinition/humanname-partner-prefix';
const EXT_PARTNER_NAME = 'http://hl7.org/fhir/StructureDefinition/humanname-partner-name';
const EXT_STREET_NAME = 'http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-streetName';
const EXT_HOUSE_NUMBER = 'http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber';

/**
 * FN (surname & own surname prefix & own surname & surname prefix from partner & surname from
 * partner) → HumanName.family: FN.1 as sent, else the parts joined; the parts themselves in the
 * standard humanname-own-prefix/own-name/partner-prefix/partner-name extensions on it.
 */
function family(fn: V2Rep | undefined): Pick<fhir4.HumanName, 'family' | '_family'> {
  if (fn === undefined) return {};
  const parts: [string, string | undefined][] = [
    [EXT_OWN_PREFIX, fn.text(2)],
    [EXT_OWN_NAME, fn.text(3)],
    [EXT_PARTNER_PREFIX, fn.text(4)],
    [EXT_PARTNER_NAME, fn.text(5)],
  ];
  const given = parts.filter((p): p is [string, string] => p[1] !== undefined);
  const surname = fn.text(1) ?? (given.length > 0 ? given.map(([, v]) => v).join(' ') : undefined);
  if (surname === undefined) return {};
  if (given.length === 0) return { family: surname };
  return {
    family: surname,
    _family: { extension: given.map(([url, valueString]) => ({ url, valueString })) },
  };
}

/** Period from a DR (start & end, each a DTM) read as a nested view. */
function drPeriod(ctx: ConversionContext, dr: V2Rep | undefined, location: string): fhir4.Period | undefined {
  return ctx.period(dr?.text(1), `${location}.1`, dr?.text(2), `${location}.2`);
}

/**
 * XPN → HumanName: XPN.1 FN (sub-components), .2 given, .3 further given names, .4 suffix, .5 prefix,
 * .6 degree (IS, the code of a CWE in v2.7+), .7 type → use, .10 validity range (DR) or .12/.13
 * effective/expiration (TS) → period, .14 professional suffix.
 */
export function xpn(rep: V2Rep, ctx?: ConversionContext, location = 'XPN'): fhir4.HumanName | undefined {
  const fam = family(rep.nested(1));
  const given = compact([rep.text(2), rep.text(3)]);
  const prefix = compact([rep.text(5)]);
  const suffix = compact([rep.text(4), rep.sub(6, 1), rep.text(14)]);
  if (fam.family === undefined && given.length === 0 && prefix.length === 0 && suffix.length === 0)
    return undefined;
  const type = rep.sub(7, 1)?.toUpperCase();
  const validity =
    ctx &&
    (drPeriod(ctx, rep.nested(10), `${location}.10`) ??
      ctx.period(rep.sub(12, 1), `${location}.12`, rep.sub(13, 1), `${location}.13`));
  return {
    use: type !== undefined ? NAME_USE[type] : undefined,
    ...fam,
    given,
    prefix,
    suffix,
    period: validity,
  };
}

/**
 * SAD (street or mailing address & street name & dwelling number) → the first address line and its
 * parts. Senders write `<number>&<street name>` as often as the full street in SAD.1, so a street name
 * SAD.1 does not already contain is appended (`123 Main St`); without SAD.1 the line is the dwelling
 * number and street name. Street name and number also go, as sent, in the standard ISO 21090 ADXP
 * extensions on the line.
 */
function street(sad: V2Rep | undefined): { line?: string; element?: fhir4.Element } {
  if (sad === undefined) return {};
  const full = sad.text(1);
  const name = sad.text(2);
  const number = sad.text(3);
  let line: string | undefined;
  if (full === undefined) {
    line = compact([number, name]).join(' ') || undefined;
  } else {
    line = full;
    if (name !== undefined && !line.includes(name)) line = `${line} ${name}`;
    if (number !== undefined && !line.includes(number)) line = `${line} ${number}`;
  }
  const extension = compact([
    name !== undefined ? { url: EXT_STREET_NAME, valueString: name } : undefined,
    number !== undefined ? { url: EXT_HOUSE_NUMBER, valueString: number } : undefined,
  ]);
  return { line, element: extension.length > 0 && line !== undefined ? { extension } : undefined };
}

/**
 * XAD → Address: XAD.1 SAD (see street), .2 other designation, .3 city, .4 state, .5 postal code,
 * .6 country, .7 type → use/type, .9 county (IS, or a CWE in v2.7+: its text, else its code) →
 * district, .12 validity range (DR) or .13/.14 effective/expiration (TS) → period.
 */
export function xad(ctx: ConversionContext, rep: V2Rep, location: string): fhir4.Address | undefined {
  const first = street(rep.nested(1));
  const other = rep.text(2);
  const line = compact([first.line, other]);
  const address: fhir4.Address = {
    line,
    // Only with a single line: the bundle prunes nulls, so `_line` could not keep a second line's place.
    _line: first.element && other === undefined ? [first.element] : undefined,
    city: rep.text(3),
    district: rep.sub(9, 2) ?? rep.sub(9, 1),
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
  const type = rep.sub(7, 1)?.toUpperCase();
  return {
    use: type !== undefined ? ADDRESS_USE[type] : undefined,
    type: type !== undefined ? ADDRESS_TYPE[type] : undefined,
    ...address,
    period:
      drPeriod(ctx, rep.nested(12), `${location}.12`) ??
      ctx.period(rep.sub(13, 1), `${location}.13`, rep.sub(14, 1), `${location}.14`),
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

/**
 * A Coding from code/display/system-name; the system name becomes a URI (unknown ones: ours). A name
 * for an HL7 table or code system (`HL70063`) is held to that system's codes like any table code
 * (tableCoding): a code it lacks goes to the sender's local version. An integration's own URI for
 * the name (`codeSystems`) is taken as given.
 */
export function coding(
  ctx: ConversionContext,
  code: string | undefined,
  display: string | undefined,
  systemName: string | undefined,
): fhir4.Coding | undefined {
  const c = normaliseCode(code);
  if (c === undefined) return undefined;
  if (systemName === undefined || !SYSTEM_NAME.test(systemName)) return { code: c, display };
  const system = ctx.codeSystem(systemName);
  if (ctx.options.codeSystems?.[systemName] !== undefined) return { system, code: c, display };
  return tableCoding(ctx, system, c, display);
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

/** A code from a v2 table (IS/ID, or CWE.1 of a CWE) as a CodeableConcept: see tableCoding. */
export function tableConcept(
  ctx: ConversionContext,
  code: string | undefined,
  table: string | readonly string[],
  display?: string,
): fhir4.CodeableConcept | undefined {
  const c = tableCoding(ctx, table, code, display);
  return c === undefined ? undefined : { coding: [c] };
}

/** A CWE whose code comes from a v2 table when the sender names no coding system (see tableCoding). */
export function cweInTable(
  ctx: ConversionContext,
  rep: V2Rep | undefined,
  table: string | readonly string[],
): fhir4.CodeableConcept | undefined {
  const concept = cwe(ctx, rep);
  const first = concept?.coding?.[0];
  if (concept && first && first.system === undefined) {
    concept.coding = [tableCoding(ctx, table, first.code, first.display)!, ...concept.coding!.slice(1)];
  }
  return concept;
}

export interface PersonParts {
  identifier?: fhir4.Identifier;
  name?: fhir4.HumanName;
}

/**
 * XCN (or CNN) → identifier and name of a practitioner: XCN.1 id, .2 FN (sub-components, as in XPN),
 * .3 given, .4 further given, .5 suffix, .6 prefix, .7 degree, .9 assigning authority (HD in
 * sub-components, else .14 assigning facility), .10 name type, .13 identifier type, .21 professional
 * suffix.
 */
export function xcn(ctx: ConversionContext, rep: V2Rep): PersonParts {
  const fam = family(rep.nested(2));
  const given = compact([rep.text(3), rep.text(4)]);
  const type = rep.sub(10, 1)?.toUpperCase();
  const name: fhir4.HumanName | undefined =
    fam.family !== undefined || given.length > 0
      ? {
          use: type !== undefined ? NAME_USE[type] : undefined,
          ...fam,
          given,
          prefix: compact([rep.text(6)]),
          suffix: compact([rep.text(5), rep.sub(7, 1), rep.text(21)]),
        }
      : undefined;
  const ident = identifier(ctx, {
    value: rep.text(1),
    authority: hdOf(rep.nested(9)) ?? hdOf(rep.nested(14)),
    typeCode: rep.sub(13, 1),
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

/**
 * PL (person location): PL.1 point of care, .2 room, .3 bed, .7 building, .8 floor (IS, or an HD in
 * sub-components since v2.7: its namespace id, else its universal id), .4 facility (HD), .9
 * description. No part keeps a raw sub-component separator.
 */
export function pl(rep: V2Rep): PlaceParts | undefined {
  const hdPart = (c: number): string | undefined => rep.sub(c, 1) ?? rep.sub(c, 2);
  const parts: PlaceParts = {
    pointOfCare: hdPart(1),
    room: hdPart(2),
    bed: hdPart(3),
    facility: hdPart(4),
    building: hdPart(7),
    floor: hdPart(8),
    description: rep.text(9),
  };
  return Object.values(parts).some((v) => v !== undefined) ? parts : undefined;
}

/**
 * CQ (quantity ^ units, the units a CWE) → Quantity: read from a field (units' parts in
 * sub-components) or from a nested view of a component (units' code only). UCUM units are not
 * judged here: the unit keeps the sender's text, with its code under the sender's coding system.
 */
export function cq(ctx: ConversionContext, rep: V2Rep | undefined): fhir4.Quantity | undefined {
  if (rep === undefined) return undefined;
  const text = rep.sub(1, 1);
  const value = text !== undefined && /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : undefined;
  const unitCode = rep.sub(2, 1);
  const unitText = rep.sub(2, 2);
  const unitSystem = rep.sub(2, 3);
  if (value === undefined && unitCode === undefined && unitText === undefined) return undefined;
  const unitCoding = unitSystem !== undefined ? coding(ctx, unitCode, undefined, unitSystem) : undefined;
  return {
    value,
    unit: unitText ?? unitCode,
    system: unitCoding?.system,
    code: unitCoding?.system !== undefined ? unitCoding.code : undefined,
  };
}
