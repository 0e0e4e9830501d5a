/**
 * The token endpoint did not give us a token. The message has the status and the OAuth `error`
 * code, never the client secret, the assertion or the endpoint's `error_description` (free text).
 * Like `FhirOperationError`, `status` and `retriable` tell the Kafka runtime how to classify it:
 * bad credentials (400, 401) are permanent, an endpoint down or slow is transient.
 */
export class TokenRequestError extends Error {
  override readonly name: string = 'TokenRequestError';
  readonly retriable: boolean;

  constructor(
    readonly reason: 'http-status' | 'timeout' | 'network-error' | 'invalid-response' | 'url-refused',
    readonly details: { status?: number; oauthError?: string; code?: string } = {},
  ) {
    const { status, oauthError, code } = details;
    const parts = [status !== undefined ? `HTTP ${status}` : reason, oauthError, code].filter(Boolean);
    super(`token request failed: ${parts.join(' ')}`);
    this.retriable =
      reason === 'timeout' ||
      reason === 'network-error' ||
      (status !== undefined && (status === 408 || status === 429 || status >= 500));
  }

  get status(): number | undefined {
    return this.details.status;
  }
}

/** A provider's configuration cannot work (a key that does not match its algorithm, a missing field). */
export class AuthConfigError extends Error {
  override readonly name: string = 'AuthConfigError';
  readonly retriable = false;
}
