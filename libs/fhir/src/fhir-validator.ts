import type { FhirIssue, FhirValidationResult } from './fhir-issue';
import { fhirJsIssues } from './fhirjs-cross-check';
import { r4Definitions } from './r4-definitions';
import { ResourceWalker } from './resource-walker';

export interface FhirValidatorOptions {
  /**
   * Also run FHIR.js's own validator and add what it finds that the walker did not (nothing, on
   * every case the tests know). About ten times slower; for tests and investigations.
   */
  fhirJsCrossCheck?: boolean;
}

/**
 * Validates R4 resources against the base definitions FHIR.js ships. Stateless between calls:
 * one instance serves every message. The definitions are loaded on the first validation.
 */
export class FhirValidator {
  constructor(private readonly options: FhirValidatorOptions = {}) {}

  validate(resource: unknown): FhirValidationResult {
    const defs = r4Definitions();
    const walker = new ResourceWalker(defs);
    let issues = walker.issues;
    try {
      walker.walk(resource);
    } catch {
      // Only a getter or proxy that throws gets here; its error may quote data, so it is dropped.
      issues = [
        ...issues,
        { severity: 'error', path: '', rule: 'json-type', message: 'the input could not be read' },
      ];
    }
    if (this.options.fhirJsCrossCheck)
      issues = withFhirJsFindings(issues, fhirJsIssues(resource, defs, issues));
    return { valid: !issues.some((issue) => issue.severity === 'error'), issues };
  }
}

function withFhirJsFindings(issues: FhirIssue[], fromFhirJs: FhirIssue[] | undefined): FhirIssue[] {
  if (fromFhirJs === undefined) {
    if (issues.some((issue) => issue.severity === 'error')) return issues;
    return [
      ...issues,
      { severity: 'error', path: '', rule: 'fhirjs', message: 'FHIR.js failed on the resource' },
    ];
  }
  const known = new Set(issues.map((issue) => `${issue.path}\u0000${issue.rule}`));
  const added = fromFhirJs.filter((issue) => {
    const key = `${issue.path}\u0000${issue.rule}`;
    if (known.has(key)) return false;
    known.add(key);
    return true;
  });
  return added.length ? [...issues, ...added] : issues;
}

const shared = new FhirValidator();

/**
 * Validates any R4 resource, Bundles with their entries' resources included. `valid` is false
 * when an issue has severity `error`. Never throws; messages and paths never contain values.
 */
export function validateFhirResource(resource: unknown): FhirValidationResult {
  return shared.validate(resource);
}
