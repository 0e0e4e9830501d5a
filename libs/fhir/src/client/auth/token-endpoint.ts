import { safeRequest, type CheckUrlOptions } from '@meridian/security';
import { TokenRequestError } from './token-request-error';

/** SSRF rules and the deadline for token requests (the same allow-list as the FHIR base URL). */
export interface TokenEndpointOptions extends CheckUrlOptions {
  /** Default 15 s. */
  timeoutMs?: number;
}

export interface IssuedToken {
  accessToken: string;
  /** `expires_in`; absent when the server did not say. */
  expiresInSeconds?: number;
}

/**
 * POSTs a form to an OAuth 2.0 token endpoint (RFC 6749 §4.4) through `safeRequest`: the URL
 * checked and the connection pinned to the checked addresses, one deadline, no redirects, a
 * bounded answer.
 */
export async function requestToken(
  tokenUrl: string,
  form: URLSearchParams,
  headers: Record<string, string>,
  options: TokenEndpointOptions,
): Promise<IssuedToken> {
  const response = await safeRequest(tokenUrl, {
    ...options,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: form.toString(),
    timeoutMs: options.timeoutMs ?? 15_000,
  });
  if (!response.ok) {
    if (response.reason === 'timeout') throw new TokenRequestError('timeout');
    if (response.reason === 'network-error')
      throw new TokenRequestError('network-error', { code: response.code });
    throw new TokenRequestError('url-refused', { code: response.reason });
  }
  const body = parseJson(response.body);
  if (response.status !== 200) {
    throw new TokenRequestError('http-status', { status: response.status, oauthError: oauthErrorCode(body) });
  }
  const accessToken = body?.access_token;
  const tokenType = body?.token_type;
  const expiresIn = Number(body?.expires_in);
  if (
    typeof accessToken !== 'string' ||
    accessToken === '' ||
    (tokenType !== undefined && String(tokenType).toLowerCase() !== 'bearer') ||
    (body?.expires_in !== undefined && !(expiresIn > 0))
  ) {
    throw new TokenRequestError('invalid-response', { status: response.status });
  }
  return { accessToken, expiresInSeconds: body?.expires_in === undefined ? undefined : expiresIn };
}

function parseJson(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 6749 §5.2 codes are short ASCII words; anything else is not repeated. */
function oauthErrorCode(body: Record<string, unknown> | undefined): string | undefined {
  const code = body?.error;
  return typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : undefined;
}
