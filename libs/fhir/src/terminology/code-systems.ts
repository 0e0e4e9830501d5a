import { R4_CODE_SYSTEMS } from './r4-code-systems.generated';

// System → its codes, built on first use; null for a system it does not know (LOINC, SNOMED, local
// ones: asked about in every message), remembered up to a bound so made-up systems cannot grow it.
const index = new Map<string, ReadonlySet<string> | null>();
const MAX_UNKNOWN = 1024;
let unknown = 0;

// HAPI FHIR compares ISO 3166 codes without regard to case (`ch` is Switzerland); every other
// system it knows in full, case-sensitively.
const CASE_INSENSITIVE = 'urn:iso:std:iso:3166';

/**
 * Whether a complete code system that FHIR R4 ships (HL7 v2 tables, v3 code systems, the FHIR and
 * THO code systems of the core value sets) or that HAPI FHIR's validator knows in full (ISO 3166,
 * ISO 4217) holds `code`: true or false for a known system, undefined for any other system (LOINC,
 * SNOMED, local ones), which this library cannot judge. Codes are case-sensitive, as HAPI FHIR's
 * validator treats them, except ISO 3166's.
 */
export function knownCodeSystemHas(system: string, code: string): boolean | undefined {
  const lookup = system === CASE_INSENSITIVE ? code.toUpperCase() : code;
  const cached = index.get(system);
  if (cached) return cached.has(lookup);
  if (cached === null) return undefined;
  const codes = Object.hasOwn(R4_CODE_SYSTEMS, system) ? R4_CODE_SYSTEMS[system] : undefined;
  if (codes === undefined) {
    if (unknown < MAX_UNKNOWN) {
      unknown++;
      index.set(system, null);
    }
    return undefined;
  }
  const set = new Set(codes.split('\n'));
  index.set(system, set);
  return set.has(lookup);
}
