export { formatIssues } from './fhir-issue';
export type { FhirIssue, FhirIssueSeverity, FhirValidationResult } from './fhir-issue';
export { FhirValidator, validateFhirResource } from './fhir-validator';
export type { FhirValidatorOptions } from './fhir-validator';
