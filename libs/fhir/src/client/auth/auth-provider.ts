import { randomUUID } from 'node:crypto';
import { importJWK, importPKCS8, SignJWT, type JWK, type KeyLike } from 'jose';
import { requestToken, type TokenEndpointOptions } from './token-endpoint';
import { TokenCache, type TokenCacheOptions } from './token-cache';
import { AuthConfigError } from './token-request-error';

/** What the FHIR client asks for before each request. */
export interface AuthProvider {
  readonly type: FhirAuthConfig['type'];
  /** Headers to send (`authorization`, an API key header), fetching or refreshing a token if needed. */
  headers(signal?: AbortSignal): Promise<Record<string, string>>;
  /**
   * The server answered 401 to a request sent with `sent`: drop the token so that the next
   * `headers()` fetches another. Only providers whose credentials can change have it.
   */
  invalidate?(sent: Record<string, string>): void;
}

/**
 * An integration's `connection.authentication`, credentials decrypted. `certificate` (mutual TLS)
 * is part of the integration model but not supported by this client yet (see README).
 */
export type FhirAuthConfig =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'api_key'; value: string; /** Default `x-api-key`. */ headerName?: string }
  | OAuth2ClientCredentialsConfig
  | SmartBackendConfig
  | { type: 'certificate' };

export interface OAuth2ClientCredentialsConfig {
  type: 'oauth2';
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** RFC 6749 §2.3.1: HTTP Basic (the default, which servers must support) or in the form body. */
  clientAuthentication?: 'client_secret_basic' | 'client_secret_post';
}

/** SMART App Launch 2.x, Backend Services: a signed JWT client assertion (RFC 7523) instead of a secret. */
export interface SmartBackendConfig {
  type: 'smart-backend';
  tokenUrl: string;
  clientId: string;
  /** PKCS#8 PEM, or a private JWK (object or JSON text). */
  privateKey: string | JWK;
  /** The `kid` of the public key registered with the EHR (in its JWKS). */
  keyId: string;
  /** The algorithms SMART requires servers to support. */
  algorithm: 'RS384' | 'ES384';
  /** `system/Patient.rs system/Observation.cruds …` (or v1 `system/*.read`). */
  scope: string;
  /** Where the EHR finds our JWKS, if it fetches keys by URL. */
  jwksUrl?: string;
}

export interface AuthProviderOptions extends TokenCacheOptions {
  /** SSRF rules and deadline for the token endpoint. */
  tokenEndpoint?: TokenEndpointOptions;
}

/** Client assertions live at most 5 minutes (SMART Backend Services). */
export const CLIENT_ASSERTION_LIFETIME_SECONDS = 300;
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Builds the provider for an integration's authentication settings. Throws `AuthConfigError` for settings that cannot work. */
export function createAuthProvider(config: FhirAuthConfig, options: AuthProviderOptions = {}): AuthProvider {
  switch (config.type) {
    case 'none':
      return staticProvider('none', {});
    case 'basic':
      requireFields(config, ['username', 'password']);
      return staticProvider('basic', {
        authorization: `Basic ${Buffer.from(`${config.username}:${config.password}`, 'utf8').toString('base64')}`,
      });
    case 'bearer':
      requireFields(config, ['token']);
      return staticProvider('bearer', { authorization: `Bearer ${config.token}` });
    case 'api_key': {
      requireFields(config, ['value']);
      const headerName = (config.headerName ?? 'x-api-key').toLowerCase();
      if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(headerName))
        throw new AuthConfigError('api_key headerName is not a header name');
      return staticProvider('api_key', { [headerName]: config.value });
    }
    case 'oauth2':
      return oauth2ClientCredentials(config, options);
    case 'smart-backend':
      return smartBackend(config, options);
    case 'certificate':
      throw new AuthConfigError(
        'certificate (mutual TLS) authentication is not supported by the FHIR client: fhir-kit-client sends through fetch, which takes no client certificate without an undici dispatcher',
      );
    default:
      throw new AuthConfigError(`unknown authentication type ${String((config as { type?: unknown }).type)}`);
  }
}

function staticProvider(type: AuthProvider['type'], headers: Record<string, string>): AuthProvider {
  return { type, headers: async () => ({ ...headers }) };
}

function requireFields<T extends object>(config: T, fields: Array<keyof T>): void {
  const missing = fields.filter((field) => typeof config[field] !== 'string' || config[field] === '');
  if (missing.length > 0) {
    const type = (config as { type?: unknown }).type;
    throw new AuthConfigError(`${String(type)} authentication needs ${missing.map(String).join(', ')}`);
  }
}

/** A provider whose `authorization` is a bearer token from a `TokenCache`. */
function tokenProvider(type: AuthProvider['type'], cache: TokenCache): AuthProvider {
  return {
    type,
    headers: async (signal) => ({ authorization: `Bearer ${await cache.get(signal)}` }),
    invalidate: (sent) => {
      const token = /^Bearer (.+)$/.exec(sent.authorization ?? '')?.[1];
      if (token !== undefined) cache.invalidate(token);
    },
  };
}

function oauth2ClientCredentials(
  config: OAuth2ClientCredentialsConfig,
  options: AuthProviderOptions,
): AuthProvider {
  requireFields(config, ['tokenUrl', 'clientId', 'clientSecret']);
  const inBody = config.clientAuthentication === 'client_secret_post';
  // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
  const basic = Buffer.from(`${formEncode(config.clientId)}:${formEncode(config.clientSecret)}`).toString(
    'base64',
  );
  const cache = new TokenCache(() => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (config.scope) form.set('scope', config.scope);
    if (inBody) {
      form.set('client_id', config.clientId);
      form.set('client_secret', config.clientSecret);
    }
    return requestToken(
      config.tokenUrl,
      form,
      inBody ? {} : { authorization: `Basic ${basic}` },
      options.tokenEndpoint ?? {},
    );
  }, options);
  return tokenProvider('oauth2', cache);
}

function smartBackend(config: SmartBackendConfig, options: AuthProviderOptions): AuthProvider {
  requireFields(config, ['tokenUrl', 'clientId', 'keyId', 'scope']);
  if (config.algorithm !== 'RS384' && config.algorithm !== 'ES384') {
    throw new AuthConfigError('smart-backend algorithm must be RS384 or ES384');
  }
  if (config.privateKey === undefined || config.privateKey === '') {
    throw new AuthConfigError('smart-backend authentication needs privateKey');
  }
  const now = options.now ?? Date.now;
  let key: Promise<KeyLike | Uint8Array> | undefined;
  const signingKey = () => (key ??= importPrivateKey(config.privateKey, config.algorithm));
  const sign = async (): Promise<string> => {
    const issuedAt = Math.floor(now() / 1000);
    const builder = new SignJWT({})
      .setProtectedHeader({
        alg: config.algorithm,
        kid: config.keyId,
        typ: 'JWT',
        ...(config.jwksUrl ? { jku: config.jwksUrl } : {}),
      })
      .setIssuer(config.clientId)
      .setSubject(config.clientId)
      .setAudience(config.tokenUrl)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + CLIENT_ASSERTION_LIFETIME_SECONDS)
      .setJti(randomUUID());
    const signing = await signingKey();
    try {
      return await builder.sign(signing);
    } catch {
      throw new AuthConfigError(`smart-backend privateKey cannot sign ${config.algorithm}`);
    }
  };
  const cache = new TokenCache(async () => {
    const assertion = await sign();
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: config.scope,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
    });
    return requestToken(config.tokenUrl, form, {}, options.tokenEndpoint ?? {});
  }, options);
  return tokenProvider('smart-backend', cache);
}

/** jose's own messages are not passed on: the configuration error should say what to fix, and never echo key material. */
async function importPrivateKey(privateKey: string | JWK, algorithm: string): Promise<KeyLike | Uint8Array> {
  try {
    if (typeof privateKey === 'string' && privateKey.trimStart().startsWith('-----BEGIN')) {
      return await importPKCS8(privateKey, algorithm);
    }
    const jwk: JWK = typeof privateKey === 'string' ? (JSON.parse(privateKey) as JWK) : privateKey;
    if (jwk.d === undefined) throw new AuthConfigError('smart-backend privateKey is a public key');
    return await importJWK(jwk, algorithm);
  } catch (error) {
    if (error instanceof AuthConfigError) throw error;
    throw new AuthConfigError(
      `smart-backend privateKey is not a PKCS#8 PEM or private JWK usable with ${algorithm}`,
    );
  }
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
