/**
 * The management API against bad input, route by route from its own OpenAPI document, so that a route
 * added later is covered too: a NUL in any path or query parameter, a JSON body nested 5,000 deep or
 * holding a NUL, a malformed If-Match, a body over the size limit, and the other inputs a security
 * probe turned into 500s. Each gets a 4xx naming the problem, and nothing changes.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { allTopicDefinitions } from '@meridian/contracts';
import { provisionTopics } from '@meridian/kafka';
import { startService } from '@meridian/platform';
import { generateEncryptionKey } from '@meridian/security';
import { testKafka } from '@meridian/testing';
import { gatewayService } from '../app.module';
import { MAX_JSON_DEPTH } from './pipes';

interface Operation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, unknown> };
}
type Document = { paths: Record<string, Record<string, Operation>> };

const integration = {
  facility: 'GOODHEALTH',
  systemType: 'ehr',
  systemName: 'Good Health EHR',
  connection: {
    type: 'fhir',
    endpoint: 'https://ehr.goodhealth.example/fhir/r4',
    authentication: { type: 'none' },
    timeout: 15000,
    retryPolicy: { maxAttempts: 3, backoff: 'exponential', base: 500 },
  },
  synchronization: {
    enabled: true,
    direction: 'bidirectional',
    frequency: 'on_demand',
    conflictResolution: 'manual',
    resourceTypes: ['Patient'],
  },
};
const endpoint = { url: 'https://127.0.0.1:9443/hooks', eventTypes: ['patient.admitted'] };

/** `{"a":{"a":…}}` 5,000 deep: about 30 KB, the probe's body. */
const DEEP = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;

describe('management API: bad input is a 4xx naming the problem, on every route', () => {
  let app: INestApplication;
  let base: string;
  let document: Document;
  /** A value that exists for each path parameter, so that only the parameter under test is bad. */
  const known: Record<string, string> = { webhookId: 'msg_probe', jobId: 'job-x', conflictId: 'conflict-x' };

  beforeAll(async () => {
    const admin = testKafka().admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    await admin.disconnect();
    ({ app } = await startService(gatewayService, {
      env: {
        ...process.env,
        PORT: '0',
        MLLP_PORT: '-1',
        LOG_LEVEL: 'warn',
        CREDENTIALS_KEYS: `k1:${generateEncryptionKey()}`,
        OUTBOUND_ALLOW_LIST: '127.0.0.1',
      },
      handleSignals: false,
    }));
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    document = (await (await fetch(`${base}/api/docs-json`)).json()) as Document;
    known.id = await created('/api/v1/integrations', integration);
    known.integrationId = known.id;
    known.secretId = randomUUID();
  });

  afterAll(() => app?.close());

  const send = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: method.toUpperCase(),
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body }),
    });

  async function created(path: string, body: object): Promise<string> {
    const response = await send('POST', path, JSON.stringify(body));
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  /** Every documented operation of the API under /api/v1. */
  const operations = (): { method: string; path: string; operation: Operation }[] =>
    Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ method, path, operation })),
      );

  const withParams = (path: string, override: Record<string, string> = {}) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) => override[name] ?? encodeURIComponent(known[name]));

  const messageOf = async (response: Response): Promise<string> => JSON.stringify(await response.json());

  it('answers 400 naming the parameter for a NUL in any path or query parameter of any route', async () => {
    const tried: string[] = [];
    for (const { method, path, operation } of operations()) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in !== 'path' && parameter.in !== 'query') continue;
        const url =
          parameter.in === 'path'
            ? withParams(path, { [parameter.name]: `a%00b` })
            : `${withParams(path)}?${parameter.name}=%00`;
        const response = await send(method, url, method === 'get' || method === 'delete' ? undefined : '{}');
        const answer = [method, url, response.status, await messageOf(response)];
        expect(answer).toEqual([
          method,
          url,
          400,
          expect.stringContaining(`${parameter.name}: must not contain control characters`),
        ]);
        tried.push(`${method} ${path} ${parameter.in}:${parameter.name}`);
      }
    }
    process.stdout.write(`[http input] NUL refused in ${tried.length} parameters\n`);
    // Every id and filter of the API, not the probe's three examples.
    expect(tried.length).toBeGreaterThanOrEqual(30);
  });

  it('answers 400 for a body nested 5,000 levels deep, or holding a NUL, on every JSON body route', async () => {
    const endpointId = await created('/api/v1/webhooks/endpoints', endpoint);
    const routes = operations().filter(
      ({ operation }) => operation.requestBody?.content?.['application/json'],
    );
    for (const { method, path } of routes) {
      const url = withParams(path, path.includes('/webhooks/endpoints/') ? { id: endpointId } : {});
      const deep = await send(method, url, DEEP);
      const withNul = await send(method, url, JSON.stringify({ note: 'a\u0000b' }));
      const answers = [
        [method, path, deep.status, await messageOf(deep)],
        [method, path, withNul.status, await messageOf(withNul)],
      ];
      // Inbound webhooks check the signature first (a 401 here); the signed case is in webhooks.int-spec.
      if (path.startsWith('/api/v1/webhooks/inbound/')) {
        expect(answers.map((a) => a[2])).toEqual([401, 401]);
        continue;
      }
      expect(answers).toEqual([
        [method, path, 400, expect.stringContaining(`body: nested deeper than ${MAX_JSON_DEPTH} levels`)],
        [method, path, 400, expect.stringContaining('note: must not contain NUL')],
      ]);
    }
    // The probe's nine body routes, and the inbound one.
    expect(routes.length).toBeGreaterThanOrEqual(10);
    // Nothing was stored: the endpoint is as created.
    const after = (await (await send('GET', `/api/v1/webhooks/endpoints/${endpointId}`)).json()) as {
      version: number;
    };
    expect(after.version).toBe(1);
  });

  it('answers 400 for a malformed If-Match on every conditional write, and changes nothing', async () => {
    const integrationId = await created('/api/v1/integrations', integration);
    const endpointId = await created('/api/v1/webhooks/endpoints', endpoint);
    const writes: [string, string, string | undefined][] = [
      ['PUT', `/api/v1/integrations/${integrationId}`, JSON.stringify(integration)],
      ['DELETE', `/api/v1/integrations/${integrationId}`, undefined],
      ['PUT', `/api/v1/webhooks/endpoints/${endpointId}`, JSON.stringify(endpoint)],
      ['PATCH', `/api/v1/webhooks/endpoints/${endpointId}`, JSON.stringify({ description: 'changed' })],
      ['DELETE', `/api/v1/webhooks/endpoints/${endpointId}`, undefined],
    ];
    for (const [method, path, body] of writes) {
      for (const ifMatch of ['"-1"', '"1", "2"', 'W/"x"', '']) {
        const response = await send(method, path, body, { 'if-match': ifMatch });
        expect([method, path, ifMatch, response.status, await messageOf(response)]).toEqual([
          method,
          path,
          ifMatch,
          400,
          expect.stringContaining('If-Match: must be the ETag of one version'),
        ]);
      }
    }
    for (const path of [
      `/api/v1/integrations/${integrationId}`,
      `/api/v1/webhooks/endpoints/${endpointId}`,
    ]) {
      const current = await send('GET', path);
      expect([path, current.status, current.headers.get('etag')]).toEqual([path, 200, '"1"']);
    }
    // A well-formed stale one is still a 412, and `*` any version.
    const stale = await send('PUT', `/api/v1/integrations/${integrationId}`, JSON.stringify(integration), {
      'if-match': '"7"',
    });
    expect(stale.status).toBe(412);
    const any = await send('PUT', `/api/v1/integrations/${integrationId}`, JSON.stringify(integration), {
      'if-match': '*',
    });
    expect([any.status, any.headers.get('etag')]).toEqual([200, '"2"']);
  });

  it('answers a body over the size limit 413, logged as a warning, not an error', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return write(chunk);
    });
    try {
      const response = await send(
        'POST',
        '/api/v1/integrations',
        JSON.stringify({ pad: 'x'.repeat(200_000) }),
      );
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ statusCode: 413, message: 'request entity too large' });
    } finally {
      spy.mockRestore();
    }
    const logged = lines
      .join('')
      .split('\n')
      .filter((line) => line.includes('entity'));
    expect(logged).toEqual([expect.stringContaining('"level":"warn"')]);
    expect(logged[0]).toContain('"status":413');
  });

  it('answers 4xx, never 500, for the other inputs the probe turned into 500s', async () => {
    const endpointId = await created('/api/v1/webhooks/endpoints', endpoint);
    const cases: [string, string, string | undefined, number, string][] = [
      // A leap second is RFC 3339; JavaScript could not read it and the query failed.
      [
        'GET',
        `/api/v1/webhooks/endpoints/${endpointId}/deliveries?since=2016-12-31T23:59:60Z`,
        undefined,
        200,
        '[]',
      ],
      // Past Postgres' integer.
      [
        'POST',
        '/api/v1/webhooks/endpoints',
        JSON.stringify({ ...endpoint, rateLimitPerSecond: 1e15 }),
        400,
        'rateLimitPerSecond must not be greater than 10000',
      ],
      // Half a surrogate pair: Postgres refuses it in JSON.
      [
        'POST',
        '/api/v1/integrations',
        JSON.stringify({
          ...integration,
          dataMapping: { inbound: { fields: [{ source: 'a\ud800', target: 'b' }] } },
        }),
        400,
        'dataMapping.inbound.fields[0].source: must be valid Unicode',
      ],
      // A filter given twice arrives as an array.
      ['GET', '/api/v1/integrations?facility=A&facility=B', undefined, 400, 'facility: give it once'],
      ['GET', `/api/v1/integrations/not-a-uuid`, undefined, 400, 'id: must be a UUID'],
    ];
    for (const [method, path, body, status, message] of cases) {
      const response = await send(method, path, body);
      expect([method, path, response.status, await response.text()]).toEqual([
        method,
        path,
        status,
        expect.stringContaining(message),
      ]);
    }
  });
});
