import { classifyError } from '@meridian/resilience';
import { eventually } from '@meridian/testing';
import { CircuitBreakers, CircuitOpenError, type BreakerState, type RetryEvent } from '@meridian/resilience';
import type { AuthProvider } from './auth/auth-provider';
import { createFhirClient, type FhirClientOptions } from './fhir-client';
import { FhirOperationError, FhirUrlRefusedError } from './fhir-operation-error';
import type { Bundle, FhirResource, OperationOutcome } from './fhir-types';
import { inTurn, startTestHttpServer, type Reply, type TestHttpServer } from './test-http-server';

const PATIENT: FhirResource = { resourceType: 'Patient', id: 'p1', meta: { versionId: '3' } };
const OK: Reply = { status: 200, body: PATIENT };
const OUTCOME: OperationOutcome = {
  resourceType: 'OperationOutcome',
  issue: [
    { severity: 'error', code: 'required', diagnostics: 'Patient.name missing for DOE^JANE born 1980-02-29' },
    { severity: 'error', code: 'Invalid Code <script>' },
  ],
};

let server: TestHttpServer;
let waits: Array<RetryEvent & { operation: string }>;

beforeEach(async () => {
  server = await startTestHttpServer();
  waits = [];
});
afterEach(() => server.close());

/** A client of the test server: HTTP on 127.0.0.1 allowed, waits recorded instead of slept. */
function client(options: Partial<FhirClientOptions> = {}) {
  return createFhirClient({
    baseUrl: `${server.origin}/fhir`,
    integrationId: 'ehr-1',
    ssrf: { allowHttp: true, allowList: ['127.0.0.1'] },
    retryPolicy: { maxAttempts: 3, backoff: 'exponential', baseDelayMs: 100 },
    timeoutMs: 2_000,
    sleep: async () => undefined,
    onRetry: (event) => {
      waits.push(event);
    },
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<FhirOperationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof FhirOperationError))
    throw new Error(`expected a FhirOperationError, got ${String(error)}`);
  return error;
}

describe('FHIR client', () => {
  describe('creation', () => {
    it('refuses a base URL the SSRF guard refuses', async () => {
      const refusal = await createFhirClient({
        baseUrl: `${server.origin}/fhir`,
        integrationId: 'ehr-1',
      }).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(FhirUrlRefusedError);
      expect(classifyError(refusal)).toBe('permanent');
      const loopback = await createFhirClient({
        baseUrl: `${server.origin}/fhir`,
        integrationId: 'ehr-1',
        ssrf: { allowHttp: true },
      }).catch((e: unknown) => e);
      expect(loopback).toMatchObject({ refusal: { reason: 'blocked-address', category: 'loopback' } });
      const invalid = await createFhirClient({ baseUrl: 'not a url', integrationId: 'ehr-1' }).catch(
        (e: unknown) => e,
      );
      expect(invalid).toMatchObject({ name: 'FhirUrlRefusedError', refusal: { reason: 'invalid-url' } });
      expect(server.requests).toEqual([]);
    });

    it('checks the base URL again when the token changes and after the recheck interval', async () => {
      let answer = '127.0.0.1';
      let lookups = 0;
      let now = 0;
      let token = 'a';
      const auth: AuthProvider = {
        type: 'bearer',
        headers: async () => ({ authorization: `Bearer ${token}` }),
      };
      server.route('/fhir/Patient/p1', inTurn(OK));
      const fhir = await client({
        baseUrl: `http://localhost:${new URL(server.origin).port}/fhir`,
        auth,
        now: () => now,
        ssrf: {
          allowHttp: true,
          allowList: ['127.0.0.1'],
          recheckIntervalMs: 60_000,
          resolve: async () => {
            lookups += 1;
            return [{ address: answer, family: 4 }];
          },
        },
      });
      const lookupsAfter = async () => {
        await fhir.read('Patient', 'p1');
        return lookups;
      };
      expect(lookups).toBe(1);
      expect(await lookupsAfter()).toBe(2); // the first token
      expect(await lookupsAfter()).toBe(2);
      token = 'b';
      expect(await lookupsAfter()).toBe(3);
      now += 60_000;
      expect(await lookupsAfter()).toBe(4);

      answer = '10.0.0.7';
      now += 60_000;
      await expect(fhir.read('Patient', 'p1')).rejects.toBeInstanceOf(FhirUrlRefusedError);
      expect(server.requests).toHaveLength(4);
    });

    it('treats a name that does not resolve as transient (DNS may come back)', async () => {
      const error = await failure(
        createFhirClient({
          baseUrl: 'https://ehr.invalid/fhir',
          integrationId: 'ehr-1',
          ssrf: { resolve: async () => Promise.reject(new Error('EAI_AGAIN')) },
        }),
      );
      expect(error).toMatchObject({ kind: 'network', code: 'DNS_FAILURE', retriable: true });
      expect(classifyError(error)).toBe('transient');
    });
  });

  describe('read', () => {
    it('reads a resource', async () => {
      server.route('/fhir/Patient/p1', inTurn(OK));
      const fhir = await client();
      await expect(fhir.read('Patient', 'p1')).resolves.toEqual(PATIENT);
      expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/fhir/Patient/p1' });
      expect(server.requests[0].headers.accept).toBe('application/fhir+json');
    });

    it('retries a 500 and succeeds', async () => {
      server.route('/fhir/Patient/p1', inTurn({ status: 500, body: OUTCOME }, OK));
      const fhir = await client();
      await expect(fhir.read('Patient', 'p1')).resolves.toEqual(PATIENT);
      expect(server.requests).toHaveLength(2);
      expect(waits.map((w) => [w.attempt, w.operation, w.retryAfter])).toEqual([[1, 'read Patient', false]]);
    });

    it('waits as a 429 Retry-After says, then retries', async () => {
      server.route(
        '/fhir/Patient/p1',
        inTurn(
          { status: 429, headers: { 'retry-after': '2' } },
          { status: 503, headers: { 'retry-after': '0' } },
          OK,
        ),
      );
      const fhir = await client();
      await expect(fhir.read('Patient', 'p1')).resolves.toEqual(PATIENT);
      expect(server.requests).toHaveLength(3);
      // The first wait is the server's 2 s, the second the backoff (longer than its 0 s).
      expect(waits.map((w) => [w.delayMs, w.retryAfter])).toEqual([
        [2_000, true],
        [expect.any(Number), false],
      ]);
    });

    it('does not retry a 400 with an OperationOutcome, and keeps the outcome out of the message', async () => {
      server.route('/fhir/Patient/p1', inTurn({ status: 400, body: OUTCOME }));
      const fhir = await client();
      const error = await failure(fhir.read('Patient', 'p1'));
      expect(server.requests).toHaveLength(1);
      expect(error).toMatchObject({
        kind: 'rejected',
        status: 400,
        retriable: false,
        issueCodes: ['required', '?'],
      });
      expect(error.outcome).toEqual(OUTCOME);
      expect(error.message).toBe(
        'FHIR read Patient for integration ehr-1 failed: HTTP 400 rejected (issues: required, ?)',
      );
      expect(JSON.stringify(error)).not.toContain('DOE');
      expect(classifyError(error)).toBe('permanent');
    });

    it('times out a hanging server and retries per the policy', async () => {
      server.route('/fhir/Patient/p1', inTurn('hang'));
      const fhir = await client({
        timeoutMs: 150,
        retryPolicy: { maxAttempts: 2, backoff: 'linear', baseDelayMs: 1 },
      });
      const error = await failure(fhir.read('Patient', 'p1'));
      expect(error).toMatchObject({ kind: 'timeout', retriable: true });
      expect(classifyError(error)).toBe('transient');
      expect(server.requests).toHaveLength(2);
    });

    it('reports a refused connection as a network error, retried', async () => {
      const closed = await startTestHttpServer();
      await closed.close();
      const fhir = await createFhirClient({
        baseUrl: `${closed.origin}/fhir`,
        integrationId: 'ehr-1',
        ssrf: { allowHttp: true, allowList: ['127.0.0.1'] },
        retryPolicy: { maxAttempts: 2, backoff: 'linear', baseDelayMs: 1 },
        sleep: async () => undefined,
      });
      const error = await failure(fhir.read('Patient', 'p1'));
      expect(error).toMatchObject({
        kind: 'network',
        code: 'ECONNREFUSED',
        retriable: true,
        notProcessed: true,
      });
    });

    it('does not follow redirects', async () => {
      server.route(
        '/fhir/Patient/p1',
        inTurn({ status: 302, headers: { location: 'http://169.254.169.254/' } }),
      );
      const fhir = await client();
      const error = await failure(fhir.read('Patient', 'p1'));
      expect(error).toMatchObject({ kind: 'invalid-response', status: 302, retriable: false });
      expect(server.requests).toHaveLength(1);
    });

    it('refuses ids that would change the path, before any request', async () => {
      const fhir = await client();
      await expect(fhir.read('Patient', '../Observation/1')).rejects.toThrow(TypeError);
      await expect(fhir.read('patient', 'p1')).rejects.toThrow(TypeError);
      expect(server.requests).toEqual([]);
    });

    it('stops at once when the caller aborts', async () => {
      server.route('/fhir/Patient/p1', inTurn('hang'));
      const fhir = await client();
      const controller = new AbortController();
      const read = fhir.read('Patient', 'p1', { signal: controller.signal });
      // Aborted once the server holds the request (however slow the machine), not after a fixed time.
      await eventually(() => (server.requests.length === 1 ? true : undefined), {
        what: 'the request at the server',
      });
      controller.abort(new Error('shutting down'));
      await expect(read).rejects.toThrow('shutting down');
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('writes', () => {
    it('creates conditionally with If-None-Exist and reports id and version from Location', async () => {
      server.route(
        '/fhir/Patient',
        inTurn({ status: 201, headers: { location: `${server.origin}/fhir/Patient/p9/_history/1` } }),
      );
      const fhir = await client();
      const result = await fhir.create(
        { resourceType: 'Patient', identifier: [{ system: 'urn:mrn', value: 'MRN-1' }] },
        { ifNoneExist: { identifier: 'urn:mrn|MRN-1' } },
      );
      expect(result).toMatchObject({
        status: 201,
        created: true,
        id: 'p9',
        versionId: '1',
        resource: undefined,
      });
      const [request] = server.requests;
      expect(request).toMatchObject({ method: 'POST', url: '/fhir/Patient' });
      expect(new URLSearchParams(request.headers['if-none-exist'] as string).get('identifier')).toBe(
        'urn:mrn|MRN-1',
      );
      expect(request.headers['content-type']).toBe('application/fhir+json');
      expect(JSON.parse(request.body)).toMatchObject({ resourceType: 'Patient' });
    });

    it('retries a conditional create after a 500, a plain create only when the request was not processed', async () => {
      server.route('/fhir/Patient', inTurn({ status: 500 }, { status: 200, body: PATIENT }));
      const fhir = await client();
      await expect(fhir.create({ resourceType: 'Patient' })).rejects.toMatchObject({ kind: 'server-error' });
      expect(server.requests).toHaveLength(1);

      server.route('/fhir/Patient', inTurn({ status: 500 }, { status: 200, body: PATIENT }));
      await expect(
        fhir.create({ resourceType: 'Patient' }, { ifNoneExist: { identifier: 'a|b' } }),
      ).resolves.toMatchObject({ status: 200, created: false, id: 'p1', versionId: '3' });
      expect(server.requests).toHaveLength(3);

      server.route('/fhir/Patient', inTurn({ status: 429 }, { status: 201, body: PATIENT }));
      await expect(fhir.create({ resourceType: 'Patient' })).resolves.toMatchObject({ created: true });
      expect(server.requests).toHaveLength(5);
    });

    it('updates with If-Match and reports a version mismatch as a conflict, not retried', async () => {
      server.route('/fhir/Patient/p1', inTurn({ status: 412, body: OUTCOME }));
      const fhir = await client();
      const error = await failure(fhir.update(PATIENT, { ifMatch: '3' }));
      expect(server.requests[0]).toMatchObject({ method: 'PUT', url: '/fhir/Patient/p1' });
      expect(server.requests[0].headers['if-match']).toBe('W/"3"');
      expect(error).toMatchObject({ kind: 'conflict', conflict: true, status: 412, retriable: false });
      expect(server.requests).toHaveLength(1);
    });

    it('reads the new version from the ETag', async () => {
      server.route('/fhir/Patient/p1', inTurn({ status: 200, headers: { etag: 'W/"4"' } }));
      const fhir = await client();
      await expect(fhir.update(PATIENT, { ifMatch: 'W/"3"' })).resolves.toMatchObject({
        versionId: '4',
        created: false,
      });
      expect(server.requests[0].headers['if-match']).toBe('W/"3"');
    });

    it('updates conditionally by identifier; a 412 there means several matches', async () => {
      server.route('/fhir/Patient', inTurn({ status: 201, body: PATIENT }, { status: 412, body: OUTCOME }));
      const fhir = await client();
      const resource = { resourceType: 'Patient' };
      await expect(fhir.conditionalUpdate(resource, { identifier: 'urn:mrn|MRN-1' })).resolves.toMatchObject({
        created: true,
      });
      const [request] = server.requests;
      expect(request.method).toBe('PUT');
      expect(new URL(request.url, server.origin).searchParams.get('identifier')).toBe('urn:mrn|MRN-1');
      const error = await failure(fhir.conditionalUpdate(resource, { identifier: 'urn:mrn|MRN-1' }));
      expect(error).toMatchObject({ kind: 'multiple-matches', conflict: false });
    });

    it('posts a transaction Bundle to the base URL', async () => {
      const response: Bundle = { resourceType: 'Bundle', type: 'transaction-response', entry: [] };
      server.route('/fhir', inTurn({ status: 500 }, { status: 200, body: response }));
      const fhir = await client();
      const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: [] };
      await expect(fhir.transaction(bundle, { idempotent: true })).resolves.toEqual(response);
      expect(server.requests.map((r) => [r.method, r.url])).toEqual([
        ['POST', '/fhir/'],
        ['POST', '/fhir/'],
      ]);
    });
  });

  describe('search', () => {
    const page = (ids: string[], next?: string): Reply => ({
      status: 200,
      body: {
        resourceType: 'Bundle',
        type: 'searchset',
        link: next ? [{ relation: 'next', url: next }] : [],
        entry: ids.map((id, i) => ({
          resource: { resourceType: 'Observation', id, meta: { lastUpdated: `2026-03-01T10:0${i}:00Z` } },
          search: { mode: 'match' },
        })),
      },
    });

    it('follows next links through every page', async () => {
      server.route(
        '/fhir/Observation',
        inTurn(page(['o1', 'o2'], `${server.origin}/fhir?_getpages=x&_offset=2`)),
      );
      server.route(
        '/fhir?_getpages',
        inTurn(page(['o3'], `${server.origin}/fhir?_getpages=x&_offset=3`), page(['o4'])),
      );
      const fhir = await client();
      const result = await fhir.search('Observation', { subject: 'Patient/p1', _count: 2 });
      expect(result.resources.map((r) => r.id)).toEqual(['o1', 'o2', 'o3', 'o4']);
      expect(result).toMatchObject({ pages: 3, complete: true, lastUpdated: '2026-03-01T10:01:00Z' });
      expect(new URL(server.requests[0].url, server.origin).searchParams.get('subject')).toBe('Patient/p1');
    });

    it('stops at the limit and says so', async () => {
      server.route('/fhir/Observation', inTurn(page(['o1', 'o2'], `${server.origin}/fhir?_getpages=x`)));
      const fhir = await client();
      const result = await fhir.search('Observation', {}, { limit: 2 });
      expect(result).toMatchObject({ pages: 1, complete: false });
      expect(server.requests).toHaveLength(1);
    });

    it('refuses a next link to another server', async () => {
      server.route('/fhir/Observation', inTurn(page(['o1'], 'http://169.254.169.254/latest/meta-data')));
      const fhir = await client();
      await expect(fhir.search('Observation')).rejects.toMatchObject({ kind: 'invalid-response' });
      expect(server.requests).toHaveLength(1);
    });

    it('polls what changed since an instant, oldest first', async () => {
      server.route('/fhir/Observation', inTurn(page(['o1'])));
      const fhir = await client();
      await fhir.searchUpdatedSince('Observation', new Date('2026-03-01T09:00:00Z'), {
        params: { category: 'lab' },
      });
      const query = new URL(server.requests[0].url, server.origin).searchParams;
      expect(query.get('_lastUpdated')).toBe('gt2026-03-01T09:00:00.000Z');
      expect(query.get('_sort')).toBe('_lastUpdated');
      expect(query.get('category')).toBe('lab');
      await expect(fhir.searchUpdatedSince('Observation', '2026-03-01')).rejects.toThrow(TypeError);
    });
  });

  describe('circuit breaker', () => {
    it('opens after failures, rejects fast, half-opens after the reset timeout and closes on success', async () => {
      const transitions: BreakerState[] = [];
      let halfOpen!: () => void;
      const halfOpened = new Promise<void>((resolve) => (halfOpen = resolve));
      const breakers = new CircuitBreakers({
        defaults: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 100 },
        onStateChange: (_key, _from, to) => {
          transitions.push(to);
          if (to === 'half_open') halfOpen();
        },
      });
      try {
        server.route('/fhir/Patient/p1', inTurn({ status: 503 }, { status: 503 }, OK));
        const fhir = await client({
          breakers,
          retryPolicy: { maxAttempts: 5, backoff: 'linear', baseDelayMs: 1 },
        });

        // Two 503s open the breaker; the third attempt is refused without a request and not retried.
        const refused = await fhir.read('Patient', 'p1').catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(CircuitOpenError);
        expect(classifyError(refused)).toBe('transient');
        expect(server.requests).toHaveLength(2);
        expect(breakers.state('ehr-1')).toBe('open');

        await halfOpened;
        await expect(fhir.read('Patient', 'p1')).resolves.toEqual(PATIENT);
        expect(breakers.state('ehr-1')).toBe('closed');
        expect(transitions).toEqual(['open', 'half_open', 'closed']);
      } finally {
        breakers.shutdown();
      }
    });

    it('is not tripped by 4xx answers', async () => {
      const breakers = new CircuitBreakers({ defaults: { volumeThreshold: 1 } });
      try {
        server.route('/fhir/Patient/p1', inTurn({ status: 404, body: OUTCOME }));
        const fhir = await client({ breakers });
        for (let i = 0; i < 3; i += 1) await failure(fhir.read('Patient', 'p1'));
        expect(breakers.state('ehr-1')).toBe('closed');
      } finally {
        breakers.shutdown();
      }
    });
  });

  describe('authentication', () => {
    it('sends the provider headers, and after a 401 renews the token and tries once more', async () => {
      let issued = 0;
      const invalidated: string[] = [];
      const auth: AuthProvider = {
        type: 'oauth2',
        headers: async () => ({ authorization: `Bearer token-${issued}` }),
        invalidate: (sent) => {
          invalidated.push(sent.authorization);
          issued += 1;
        },
      };
      server.route('/fhir/Patient/p1', (request) =>
        request.headers.authorization === 'Bearer token-1' ? OK : { status: 401 },
      );
      const fhir = await client({ auth });
      await expect(fhir.read('Patient', 'p1')).resolves.toEqual(PATIENT);
      expect(server.requests.map((r) => r.headers.authorization)).toEqual([
        'Bearer token-0',
        'Bearer token-1',
      ]);
      expect(invalidated).toEqual(['Bearer token-0']);

      // A second 401 in the same attempt is final: the credentials are wrong.
      server.route('/fhir/Patient/p1', inTurn({ status: 401 }));
      const error = await failure(fhir.read('Patient', 'p1'));
      expect(error).toMatchObject({ kind: 'unauthorized', status: 401 });
      expect(classifyError(error)).toBe('permanent');
      expect(server.requests).toHaveLength(4);
    });

    it('sends static credentials and does not repeat a 401 with them', async () => {
      server.route('/fhir/Patient/p1', inTurn({ status: 401 }));
      const fhir = await client({ auth: { type: 'api_key', headerName: 'X-Api-Key', value: 'k-123' } });
      await failure(fhir.read('Patient', 'p1'));
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0].headers['x-api-key']).toBe('k-123');
    });
  });
});
