export { formatIssues } from './fhir-issue';
export type { FhirIssue, FhirIssueSeverity, FhirValidationResult } from './fhir-issue';
export { FhirValidator, validateFhirResource } from './fhir-validator';
export type { FhirValidatorOptions } from './fhir-validator';
export {
  CLIENT_ASSERTION_LIFETIME_SECONDS,
  CLIENT_ASSERTION_TYPE,
  createAuthProvider,
  type AuthProvider,
  type AuthProviderOptions,
  type FhirAuthConfig,
  type OAuth2ClientCredentialsConfig,
  type SmartBackendConfig,
} from './client/auth/auth-provider';
export type { IssuedToken, TokenEndpointOptions } from './client/auth/token-endpoint';
export { TokenCache, type TokenCacheOptions } from './client/auth/token-cache';
export { AuthConfigError, TokenRequestError } from './client/auth/token-request-error';
export {
  createFhirClient,
  DEFAULT_FHIR_TIMEOUT_MS,
  DEFAULT_SEARCH_LIMIT,
  FhirClient,
  type CallOptions,
  type CreateOptions,
  type FhirClientOptions,
  type FhirSearchResult,
  type FhirWriteResult,
  type SearchOptions,
  type TransactionOptions,
  type WriteOptions,
} from './client/fhir-client';
export { FhirOperationError, FhirUrlRefusedError, type FhirErrorKind } from './client/fhir-operation-error';
export {
  isOperationOutcome,
  type Bundle,
  type BundleEntry,
  type FhirResource,
  type OperationOutcome,
  type OperationOutcomeIssue,
  type SearchParams,
} from './client/fhir-types';
export { knownCodeSystemHas } from './terminology/code-systems';
