/**
 * System URIs: HL7 coding system names (table 0396) and assigning authorities (HD) to FHIR systems,
 * and back (for the ORM writer).
 */

export const DEFAULT_IDENTIFIER_SYSTEM_BASE = 'urn:meridian:id:';
export const DEFAULT_CODE_SYSTEM_BASE = 'urn:meridian:codesystem:';

export const UCUM = 'http://unitsofmeasure.org';
export const V2_TABLE = (table: string): string => `http://terminology.hl7.org/CodeSystem/v2-${table}`;
export const V3 = (name: string): string => `http://terminology.hl7.org/CodeSystem/v3-${name}`;
export const US_NPI = 'http://hl7.org/fhir/sid/us-npi';
export const US_SSN = 'http://hl7.org/fhir/sid/us-ssn';

/** Coding system names seen in CWE.3/CWE.6 (HL7 table 0396 and common variants) → FHIR system URIs. */
const CODE_SYSTEMS: Record<string, string> = {
  LN: 'http://loinc.org',
  LOINC: 'http://loinc.org',
  SCT: 'http://snomed.info/sct',
  SNM: 'http://snomed.info/sct',
  SNM3: 'http://snomed.info/sct',
  SNOMED: 'http://snomed.info/sct',
  SNOMEDCT: 'http://snomed.info/sct',
  I9: 'http://hl7.org/fhir/sid/icd-9-cm',
  I9C: 'http://hl7.org/fhir/sid/icd-9-cm',
  I9CDX: 'http://hl7.org/fhir/sid/icd-9-cm',
  ICD9: 'http://hl7.org/fhir/sid/icd-9-cm',
  I10: 'http://hl7.org/fhir/sid/icd-10',
  ICD10: 'http://hl7.org/fhir/sid/icd-10',
  I10C: 'http://hl7.org/fhir/sid/icd-10-cm',
  ICD10CM: 'http://hl7.org/fhir/sid/icd-10-cm',
  I10P: 'http://www.cms.gov/Medicare/Coding/ICD10',
  C4: 'http://www.ama-assn.org/go/cpt',
  C5: 'http://www.ama-assn.org/go/cpt',
  CPT: 'http://www.ama-assn.org/go/cpt',
  CPT4: 'http://www.ama-assn.org/go/cpt',
  RXNORM: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  RXN: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  NDC: 'http://hl7.org/fhir/sid/ndc',
  CVX: 'http://hl7.org/fhir/sid/cvx',
  MVX: 'http://terminology.hl7.org/CodeSystem/MVX',
  UCUM: UCUM,
  NUCC: 'http://nucc.org/provider-taxonomy',
  CDCREC: 'urn:oid:2.16.840.1.113883.6.238',
  // PHIN VADS name of v3 NullFlavor (2.16.840.1.113883.5.1008), as CDC messages send UNK/OTH/ASKU.
  NULLFL: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor',
  ISO3166: 'urn:iso:std:iso:3166',
};

const reverseCodeSystems = new Map<string, string>();
for (const [name, uri] of Object.entries(CODE_SYSTEMS)) {
  if (!reverseCodeSystems.has(uri)) reverseCodeSystems.set(uri, name);
}
// The preferred HL7 names for systems that have several.
reverseCodeSystems.set('http://snomed.info/sct', 'SCT');
reverseCodeSystems.set('http://hl7.org/fhir/sid/icd-9-cm', 'I9C');

/** URI-safe form of a name: spaces and reserved characters percent-encoded, ':' and '/' kept. */
export function uriSegment(name: string): string {
  return encodeURIComponent(name).replace(/%3A/gi, ':').replace(/%2F/gi, '/');
}

/** FHIR system of a coding system name; unknown (local 'L', '99zzz') names go under `base`. */
export function codeSystemUri(
  name: string,
  overrides: Record<string, string> | undefined,
  base: string,
): string {
  const override = overrides?.[name];
  if (override !== undefined) return override;
  const upper = name.toUpperCase();
  const known = CODE_SYSTEMS[upper];
  if (known !== undefined) return known;
  const table = /^HL7[-_]?(\d{4})$/.exec(upper);
  if (table) return V2_TABLE(table[1]);
  return base + uriSegment(name);
}

/** HL7 coding system name of a FHIR system (inverse of codeSystemUri), undefined when there is none. */
export function codeSystemName(
  uri: string | undefined,
  overrides: Record<string, string> | undefined,
  base: string,
): string | undefined {
  if (uri === undefined) return undefined;
  for (const [name, u] of Object.entries(overrides ?? {})) if (u === uri) return name;
  const known = reverseCodeSystems.get(uri);
  if (known !== undefined) return known;
  const table = /^http:\/\/terminology\.hl7\.org\/CodeSystem\/v2-(\d{4})$/.exec(uri);
  if (table) return `HL7${table[1]}`;
  if (uri.startsWith(base)) {
    // A sender's own codes for an HL7 table (see localCodeSystemUri) are that table's codes to v2.
    const local = /\/v2-(\d{4})$/.exec(uri);
    if (local) return `HL7${local[1]}`;
    return decodeURIComponent(uri.slice(base.length));
  }
  return undefined;
}

/** An HL7 HD (hierarchic designator): namespace id, universal id, universal id type. */
export interface Hd {
  namespace?: string;
  universalId?: string;
  universalIdType?: string;
}

const OID = /^[0-2](\.(0|[1-9]\d*))+$/;

/**
 * An OID as HAPI FHIR's validator takes it in `urn:oid:` (else "OIDs must be valid"): the OID syntax
 * (arcs 0–2 first, no leading zeros) and its last '.' at index 4 or later, found by trying values
 * against `$validate`: 2.16.840 and 1.23.4 pass, 2.4, 1.2.3 and 1.2.3456 are refused.
 */
export const isValidOid = (value: string): boolean => OID.test(value) && value.lastIndexOf('.') >= 4;

/**
 * The sender's own version of a standard code system, for codes the standard one does not hold:
 * `<base><sender>/<last path segment of the standard system>`, e.g.
 * `urn:meridian:codesystem:GOODHEALTH/v2-0069` for a local hospital service code. Stable per sender
 * (MSH-4, else MSH-3), so the same local code always lands in the same system.
 */
export function localCodeSystemUri(base: string, sender: string, standardSystem: string): string {
  // The last segment of the standard system's URL or URN: v2-0069, v3-MaritalStatus, 3166.
  const name = uriSegment(
    standardSystem
      .split(/[/:]/)
      .filter((p) => p !== '')
      .pop() ?? standardSystem,
  );
  return sender === '' ? base + name : `${base}${uriSegment(sender)}/${name}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Well-known authorities whose identifiers have a system defined by FHIR. */
const WELL_KNOWN_AUTHORITIES: Record<string, string> = {
  NPI: US_NPI,
  SSN: US_SSN,
  SSA: US_SSN,
  USSSA: US_SSN,
};

/**
 * System URI of an assigning authority: the one derivation every identifier goes through (CX, EI,
 * XCN, XON, HD of MSH-4 for identifiers without an authority), so one authority gives one system
 * in every message type. Order: the integration's override (by namespace id, then universal id),
 * FHIR's system for NPI/SSA, the universal id when it is a valid OID typed ISO, HL7 or untyped (urn:oid:),
 * a UUID typed UUID/GUID (urn:uuid:, lower case), an absolute URI typed URI/URL (as is), then `base` +
 * the namespace id, else `base` + the universal id. An OID HAPI would refuse (`2.4`) falls through to
 * the namespace.
 */
export function identifierSystemUri(
  hd: Hd | undefined,
  overrides: Record<string, string> | undefined,
  base: string,
): string | undefined {
  if (hd === undefined) return undefined;
  const { namespace, universalId, universalIdType } = hd;
  const override =
    (namespace !== undefined ? overrides?.[namespace] : undefined) ??
    (universalId !== undefined ? overrides?.[universalId] : undefined);
  if (override !== undefined) return override;
  if (namespace !== undefined) {
    const known = WELL_KNOWN_AUTHORITIES[namespace.toUpperCase()];
    if (known !== undefined) return known;
  }
  if (universalId !== undefined) {
    const type = universalIdType?.toUpperCase();
    const oid = universalId.replace(/^urn:oid:/i, '');
    // 'HL7' (HL7-reserved) is what some senders type their HL7-registered OIDs with (NIST samples).
    if ((type === 'ISO' || type === 'HL7' || type === undefined) && isValidOid(oid)) return `urn:oid:${oid}`;
    const uuid = universalId.replace(/^urn:uuid:/i, '');
    if ((type === 'UUID' || type === 'GUID') && UUID.test(uuid)) return `urn:uuid:${uuid.toLowerCase()}`;
    if ((type === 'URI' || type === 'URL') && /^[a-z][a-z0-9+.-]*:[^\s]+$/i.test(universalId))
      return universalId;
  }
  const name = namespace ?? universalId;
  return name === undefined ? undefined : base + uriSegment(name);
}

/** The HD an identifier system stands for (inverse of identifierSystemUri, for the ORM writer). */
export function authorityOf(
  system: string | undefined,
  overrides: Record<string, string> | undefined,
  base: string,
): Hd | undefined {
  if (system === undefined) return undefined;
  for (const [name, uri] of Object.entries(overrides ?? {})) {
    if (uri === system)
      return isValidOid(name) ? { universalId: name, universalIdType: 'ISO' } : { namespace: name };
  }
  if (system === US_NPI) return { namespace: 'NPI' };
  if (system === US_SSN) return { namespace: 'SSA' };
  if (system.startsWith('urn:oid:')) return { universalId: system.slice(8), universalIdType: 'ISO' };
  if (system.startsWith('urn:uuid:')) return { universalId: system.slice(9), universalIdType: 'UUID' };
  if (system.startsWith(base)) return { namespace: decodeURIComponent(system.slice(base.length)) };
  return { universalId: system, universalIdType: 'URI' };
}
