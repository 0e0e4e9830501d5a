import { R4_CODE_SYSTEMS } from './r4-code-systems.generated';

const index = new Map<string, ReadonlySet<string>>();

/**
 * Whether a complete code system that FHIR R4 ships (HL7 v2 tables, v3 code systems) holds `code`:
 * true or false for a known system, undefined for any other system (LOINC, SNOMED, local ones),
 * which this library cannot judge. Codes are case-sensitive, as HAPI FHIR's validator treats them.
 */
export function knownCodeSystemHas(system: string, code: string): boolean | undefined {
  const cached = index.get(system);
  if (cached) return cached.has(code);
  const codes = R4_CODE_SYSTEMS[system];
  if (codes === undefined) return undefined;
  const set = new Set(codes.split('\n'));
  index.set(system, set);
  return set.has(code);
}
