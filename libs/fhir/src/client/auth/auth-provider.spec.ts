import { classifyError } from '@meridian/resilience';
import {
  decodeProtectedHeader,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  jwtVerify,
  type KeyLike,
} from 'jose';
import { createFhirClient } from '../fhir-client';
import {
  inTurn,
  startTestHttpServer,
  type RecordedRequest,
  type Reply,
  type TestHttpServer,
} from '../test-http-server';
import {
  CLIENT_ASSERTION_TYPE,
  createAuthProvider,
  type FhirAuthConfig,
  type SmartBackendConfig,
} from './auth-provider';
import { AuthConfigError, TokenRequestError } from './token-request-error';

const LOCAL = { allowHttp: true, allowList: ['127.0.0.1'] };

let server: TestHttpServer;
beforeEach(async () => {
  server = await startTestHttpServer();
});
afterEach(() => server.close());

const tokenReply = (token: string, expiresIn = 600): Reply => ({
  status: 200,
  body: { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: 'system/*.read' },
});

const form = (request: RecordedRequest) => new URLSearchParams(request.body);

describe('SMART Backend Services', () => {
  const keys: Record<string, { privateKey: KeyLike; publicKey: KeyLike }> = {};
  beforeAll(async () => {
    keys.RS384 = await generateKeyPair('RS384', { extractable: true });
    keys.ES384 = await generateKeyPair('ES384', { extractable: true });
  });

  /** A token endpoint that verifies each client assertion as an EHR would, and records what it saw. */
  function smartTokenEndpoint(algorithm: 'RS384' | 'ES384') {
    const seen = { jtis: new Set<string>(), problems: [] as string[], issued: 0 };
    server.route('/token', async (request) => {
      const body = form(request);
      const assertion = body.get('client_assertion') ?? '';
      try {
        const { payload, protectedHeader } = await jwtVerify(assertion, keys[algorithm].publicKey, {
          algorithms: [algorithm],
          issuer: 'meridian-client',
          subject: 'meridian-client',
          audience: `${server.origin}/token`,
          requiredClaims: ['exp', 'jti'],
        });
        if (protectedHeader.kid !== 'key-2026') seen.problems.push('kid');
        if (protectedHeader.typ !== 'JWT') seen.problems.push('typ');
        if (payload.exp! - Math.floor(Date.now() / 1000) > 300) seen.problems.push('exp beyond 5 minutes');
        if (seen.jtis.has(payload.jti!)) seen.problems.push('jti reused');
        seen.jtis.add(payload.jti!);
      } catch (error) {
        seen.problems.push(`assertion: ${(error as Error).message}`);
        return { status: 401, body: { error: 'invalid_client' } };
      }
      if (body.get('grant_type') !== 'client_credentials') seen.problems.push('grant_type');
      if (body.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE)
        seen.problems.push('client_assertion_type');
      if (body.get('scope') !== 'system/Patient.rs system/Observation.cruds') seen.problems.push('scope');
      seen.issued += 1;
      return tokenReply(`smart-${seen.issued}`);
    });
    return seen;
  }

  async function config(algorithm: 'RS384' | 'ES384', keyForm: 'pem' | 'jwk'): Promise<SmartBackendConfig> {
    const privateKey =
      keyForm === 'pem'
        ? await exportPKCS8(keys[algorithm].privateKey)
        : await exportJWK(keys[algorithm].privateKey);
    return {
      type: 'smart-backend',
      tokenUrl: `${server.origin}/token`,
      clientId: 'meridian-client',
      privateKey,
      keyId: 'key-2026',
      algorithm,
      scope: 'system/Patient.rs system/Observation.cruds',
    };
  }

  it.each([
    ['RS384', 'pem'],
    ['ES384', 'jwk'],
  ] as const)(
    'gets a token with a %s client assertion (%s key) the endpoint verifies',
    async (algorithm, keyForm) => {
      const seen = smartTokenEndpoint(algorithm);
      const auth = createAuthProvider(await config(algorithm, keyForm), { tokenEndpoint: LOCAL });
      await expect(auth.headers()).resolves.toEqual({ authorization: 'Bearer smart-1' });
      expect(seen).toMatchObject({ problems: [], issued: 1 });
      const request = server.requestsTo('/token')[0];
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(decodeProtectedHeader(form(request).get('client_assertion')!).alg).toBe(algorithm);
    },
  );

  it('caches the token, signs a fresh assertion (new jti) for each token request, and renews after a 401', async () => {
    const seen = smartTokenEndpoint('RS384');
    server.route('/fhir/Patient/p1', (request) =>
      request.headers.authorization === 'Bearer smart-1'
        ? { status: 401 }
        : { status: 200, body: { resourceType: 'Patient', id: 'p1' } },
    );
    const fhir = await createFhirClient({
      baseUrl: `${server.origin}/fhir`,
      integrationId: 'ehr-1',
      auth: await config('RS384', 'pem'),
      ssrf: LOCAL,
    });
    await fhir.read('Patient', 'p1');
    await fhir.read('Patient', 'p1');
    await fhir.read('Patient', 'p1');
    expect(server.requestsTo('/fhir').map((r) => r.headers.authorization)).toEqual([
      'Bearer smart-1',
      'Bearer smart-2',
      'Bearer smart-2',
      'Bearer smart-2',
    ]);
    expect(seen).toMatchObject({ problems: [], issued: 2 });
    expect(seen.jtis.size).toBe(2);
  });

  it('refuses a key that does not fit the algorithm, as a permanent configuration error', async () => {
    smartTokenEndpoint('ES384');
    const auth = createAuthProvider(
      { ...(await config('RS384', 'pem')), algorithm: 'ES384' },
      { tokenEndpoint: LOCAL },
    );
    const error = await auth.headers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthConfigError);
    expect(classifyError(error)).toBe('permanent');
    expect(server.requests).toEqual([]);
  });

  it('refuses a public key', async () => {
    const publicJwk = await exportJWK(keys.ES384.publicKey);
    const auth = createAuthProvider(
      { ...(await config('ES384', 'jwk')), privateKey: JSON.stringify(publicJwk) },
      { tokenEndpoint: LOCAL },
    );
    await expect(auth.headers()).rejects.toThrow('smart-backend privateKey is a public key');
  });
});

describe('OAuth 2.0 client credentials', () => {
  const oauth2 = (overrides: Partial<Extract<FhirAuthConfig, { type: 'oauth2' }>> = {}): FhirAuthConfig => ({
    type: 'oauth2',
    tokenUrl: `${server.origin}/token`,
    clientId: 'client:1',
    clientSecret: 's3cr3t+/=',
    scope: 'system/*.read',
    ...overrides,
  });

  it('authenticates with HTTP Basic (form-encoded id and secret) by default', async () => {
    server.route('/token', inTurn(tokenReply('t-1')));
    const auth = createAuthProvider(oauth2(), { tokenEndpoint: LOCAL });
    await expect(auth.headers()).resolves.toEqual({ authorization: 'Bearer t-1' });
    const [request] = server.requests;
    const credentials = Buffer.from(
      request.headers.authorization!.replace('Basic ', ''),
      'base64',
    ).toString();
    expect(credentials).toBe('client%3A1:s3cr3t%2B%2F%3D');
    expect(Object.fromEntries(form(request))).toEqual({
      grant_type: 'client_credentials',
      scope: 'system/*.read',
    });
  });

  it('sends the credentials in the form with client_secret_post', async () => {
    server.route('/token', inTurn(tokenReply('t-1')));
    const auth = createAuthProvider(oauth2({ clientAuthentication: 'client_secret_post' }), {
      tokenEndpoint: LOCAL,
    });
    await auth.headers();
    const [request] = server.requests;
    expect(request.headers.authorization).toBeUndefined();
    expect(form(request).get('client_id')).toBe('client:1');
    expect(form(request).get('client_secret')).toBe('s3cr3t+/=');
  });

  it('caches the token across calls and refreshes it when it is about to expire', async () => {
    let now = Date.now();
    server.route('/token', inTurn(tokenReply('t-1', 600), tokenReply('t-2', 600)));
    const auth = createAuthProvider(oauth2(), { tokenEndpoint: LOCAL, now: () => now });
    for (let i = 0; i < 3; i += 1) expect(await auth.headers()).toEqual({ authorization: 'Bearer t-1' });
    now += 541_000;
    expect(await auth.headers()).toEqual({ authorization: 'Bearer t-2' });
    expect(server.requestsTo('/token')).toHaveLength(2);
  });

  it('makes one token request for many concurrent calls', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    server.route('/token', async () => {
      await released;
      return tokenReply('t-1');
    });
    const auth = createAuthProvider(oauth2(), { tokenEndpoint: LOCAL });
    const all = Promise.all(Array.from({ length: 8 }, () => auth.headers()));
    // Let every caller ask before the endpoint answers.
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect(new Set((await all).map((h) => h.authorization))).toEqual(new Set(['Bearer t-1']));
    expect(server.requestsTo('/token')).toHaveLength(1);
  });

  it('reports endpoint errors with status and OAuth code, never the secret or the description', async () => {
    server.route(
      '/token',
      inTurn({
        status: 401,
        body: { error: 'invalid_client', error_description: 'secret s3cr3t+/= is wrong' },
      }),
    );
    const auth = createAuthProvider(oauth2(), { tokenEndpoint: LOCAL });
    const error = await auth.headers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect((error as Error).message).toBe('token request failed: HTTP 401 invalid_client');
    expect(JSON.stringify(error)).not.toContain('s3cr3t');
    expect(classifyError(error)).toBe('permanent');
  });

  it('classifies an endpoint that is down as transient, and the FHIR client retries it', async () => {
    server.route('/token', inTurn({ status: 503 }, tokenReply('t-1')));
    server.route('/fhir/Patient/p1', inTurn({ status: 200, body: { resourceType: 'Patient', id: 'p1' } }));
    const down = await createAuthProvider(oauth2(), { tokenEndpoint: LOCAL })
      .headers()
      .catch((e: unknown) => e);
    expect(down).toMatchObject({ name: 'TokenRequestError', retriable: true, status: 503 });
    expect(classifyError(down)).toBe('transient');

    const fhir = await createFhirClient({
      baseUrl: `${server.origin}/fhir`,
      integrationId: 'ehr-1',
      auth: oauth2(),
      ssrf: LOCAL,
      sleep: async () => undefined,
    });
    await expect(fhir.read('Patient', 'p1')).resolves.toMatchObject({ id: 'p1' });
  });

  it.each([
    ['no access_token', { token_type: 'Bearer', expires_in: 600 }],
    ['another token type', { access_token: 't', token_type: 'mac', expires_in: 600 }],
    ['a bad lifetime', { access_token: 't', token_type: 'Bearer', expires_in: -5 }],
  ])('refuses an answer with %s', async (_case, body) => {
    server.route('/token', inTurn({ status: 200, body }));
    const auth = createAuthProvider(oauth2(), { tokenEndpoint: LOCAL });
    await expect(auth.headers()).rejects.toMatchObject({ reason: 'invalid-response', retriable: false });
  });

  it('checks the token endpoint against the SSRF rules', async () => {
    const auth = createAuthProvider(oauth2(), { tokenEndpoint: { allowHttp: true } });
    await expect(auth.headers()).rejects.toMatchObject({ reason: 'url-refused', retriable: false });
    expect(server.requests).toEqual([]);
  });
});

describe('createAuthProvider', () => {
  it('builds static headers', async () => {
    expect(await createAuthProvider({ type: 'none' }).headers()).toEqual({});
    expect(await createAuthProvider({ type: 'bearer', token: 'abc' }).headers()).toEqual({
      authorization: 'Bearer abc',
    });
    expect(await createAuthProvider({ type: 'basic', username: 'ü', password: 'p:w' }).headers()).toEqual({
      authorization: `Basic ${Buffer.from('ü:p:w').toString('base64')}`,
    });
    expect(await createAuthProvider({ type: 'api_key', value: 'k' }).headers()).toEqual({ 'x-api-key': 'k' });
  });

  it('refuses settings that cannot work, naming what is missing and never a value', () => {
    expect(() => createAuthProvider({ type: 'basic', username: 'u', password: '' })).toThrow(
      new AuthConfigError('basic authentication needs password'),
    );
    expect(() =>
      createAuthProvider({ type: 'oauth2', tokenUrl: '', clientId: 'c', clientSecret: 'topsecret' }),
    ).toThrow('oauth2 authentication needs tokenUrl');
    expect(() => createAuthProvider({ type: 'api_key', value: 'k', headerName: 'bad header' })).toThrow(
      AuthConfigError,
    );
    expect(() => createAuthProvider({ type: 'certificate' })).toThrow(/not supported/);
  });
});
