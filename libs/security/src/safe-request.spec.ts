/**
 * safeRequest against real HTTP and HTTPS servers on 127.0.0.1 (fast and self-contained: the only
 * sockets are the suite's own). Host names that resolve nowhere (`partner.test`, `.invalid`) are
 * pinned to 127.0.0.1 with an injected resolver, which is how we see that the connection goes to
 * the checked address and not to a second DNS answer.
 */
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { safeRequest } from './safe-request';
import type { HostResolver } from './url-guard';

const TLS = path.resolve(__dirname, '../test-fixtures/tls');
const pem = (name: string): Buffer => readFileSync(path.join(TLS, name));

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
  servername?: string | false | null;
}

let seen: Seen[] = [];

function handler(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    seen.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      servername: (request.socket as TLSSocket).servername,
    });
    switch (request.url) {
      case '/redirect':
        response.writeHead(302, { location: '/echo' }).end();
        return;
      case '/unavailable':
        response.writeHead(503, { 'retry-after': '120' }).end('later');
        return;
      case '/big':
        response.writeHead(200).end(Buffer.alloc(10_000, 'x'));
        return;
      case '/exact':
        response.writeHead(200).end(Buffer.alloc(1_000, 'y'));
        return;
      case '/hang':
        return; // never answers
      case '/hang-in-body':
        response.writeHead(200);
        response.write('first part');
        return; // never finishes
      default:
        response.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    }
  });
}

const listen = async (server: http.Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};
const close = (server: http.Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

const toLoopback: HostResolver = async () => [{ address: '127.0.0.1', family: 4 }];

let plain: http.Server;
let secure: https.Server;
let port: number;
let tlsPort: number;

beforeAll(async () => {
  plain = http.createServer(handler);
  secure = https.createServer({ cert: pem('server.pem'), key: pem('server.key') }, handler);
  port = await listen(plain);
  tlsPort = await listen(secure);
});

afterAll(async () => {
  await Promise.all([close(plain), close(secure)]);
});

beforeEach(() => {
  seen = [];
});

describe('safeRequest refuses before connecting', () => {
  it('a loopback address that is not allow-listed', async () => {
    expect(await safeRequest(`http://127.0.0.1:${port}/echo`, { allowHttp: true })).toEqual({
      ok: false,
      reason: 'blocked-address',
      category: 'loopback',
    });
    expect(
      await safeRequest(`http://127.0.0.1:${port}/echo`, { allowHttp: true, allowList: ['10.0.0.0/8'] }),
    ).toEqual({ ok: false, reason: 'blocked-address', category: 'loopback' });
    expect(seen).toEqual([]);
  });

  it('a host name that resolves to a loopback address (localhost)', async () => {
    expect(await safeRequest(`http://localhost:${port}/echo`, { allowHttp: true })).toEqual({
      ok: false,
      reason: 'blocked-address',
      category: 'loopback',
    });
    expect(seen).toEqual([]);
  });

  it('plain http unless allowed, even to an allow-listed address', async () => {
    expect(await safeRequest(`http://127.0.0.1:${port}/echo`, { allowList: ['127.0.0.1'] })).toEqual({
      ok: false,
      reason: 'scheme-not-allowed',
    });
    expect(seen).toEqual([]);
  });
});

describe('safeRequest to an allow-listed server', () => {
  const allowed = { allowHttp: true, allowList: ['127.0.0.1'] };

  it('reaches it and returns status, headers, body and the address connected to', async () => {
    const body = JSON.stringify({ type: 'patient.admitted', data: { id: 'p-1', name: 'Müller' } });
    const result = await safeRequest(`http://127.0.0.1:${port}/echo?a=1`, {
      ...allowed,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' },
      body,
    });
    expect(result).toEqual({
      ok: true,
      status: 200,
      headers: expect.objectContaining({ 'content-type': 'text/plain' }),
      body: Buffer.from('hello'),
      truncated: false,
      remoteAddress: '127.0.0.1',
    });
    expect(seen).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/echo?a=1',
        body,
        headers: expect.objectContaining({
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'webhook-id': 'msg_1',
          host: `127.0.0.1:${port}`,
        }),
      }),
    ]);
  });

  it('reaches localhost when the host name is allow-listed, keeping the Host header', async () => {
    const result = await safeRequest(`http://localhost:${port}/echo`, {
      allowHttp: true,
      allowList: ['localhost'],
    });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(seen).toHaveLength(1);
    expect(seen[0].headers.host).toBe(`localhost:${port}`);
  });

  it('connects to the checked address, asking DNS once and never again (no rebinding)', async () => {
    const resolve = jest.fn(toLoopback);
    const result = await safeRequest(`http://partner.invalid:${port}/echo`, { ...allowed, resolve });
    expect(result).toMatchObject({ ok: true, status: 200, remoteAddress: '127.0.0.1' });
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(resolve).toHaveBeenCalledWith('partner.invalid');
    expect(seen[0].headers.host).toBe(`partner.invalid:${port}`);
  });

  it('does not follow a redirect: the 3xx comes back as is', async () => {
    const result = await safeRequest(`http://127.0.0.1:${port}/redirect`, allowed);
    expect(result).toMatchObject({
      ok: true,
      status: 302,
      headers: expect.objectContaining({ location: '/echo' }),
    });
    expect(seen.map((s) => s.url)).toEqual(['/redirect']);
  });

  it('returns error statuses with their headers (Retry-After)', async () => {
    const result = await safeRequest(`http://127.0.0.1:${port}/unavailable`, allowed);
    expect(result).toMatchObject({
      ok: true,
      status: 503,
      headers: expect.objectContaining({ 'retry-after': '120' }),
    });
  });

  it('cuts the response body at maxResponseBytes', async () => {
    const big = await safeRequest(`http://127.0.0.1:${port}/big`, { ...allowed, maxResponseBytes: 1_000 });
    expect(big).toMatchObject({ ok: true, status: 200, truncated: true });
    expect(big.ok && big.body).toEqual(Buffer.alloc(1_000, 'x'));
    const exact = await safeRequest(`http://127.0.0.1:${port}/exact`, {
      ...allowed,
      maxResponseBytes: 1_000,
    });
    expect(exact).toMatchObject({ ok: true, truncated: false, body: Buffer.alloc(1_000, 'y') });
  });

  it('times out on a server that never answers', async () => {
    expect(await safeRequest(`http://127.0.0.1:${port}/hang`, { ...allowed, timeoutMs: 100 })).toEqual({
      ok: false,
      reason: 'timeout',
    });
    expect(seen.map((s) => s.url)).toEqual(['/hang']);
  });

  it('times out on a body that never ends', async () => {
    expect(
      await safeRequest(`http://127.0.0.1:${port}/hang-in-body`, { ...allowed, timeoutMs: 100 }),
    ).toEqual({
      ok: false,
      reason: 'timeout',
    });
  });

  it('counts DNS in the timeout', async () => {
    const never: HostResolver = () => new Promise(() => undefined);
    expect(
      await safeRequest(`http://partner.invalid:${port}/echo`, { ...allowed, resolve: never, timeoutMs: 50 }),
    ).toEqual({ ok: false, reason: 'timeout' });
    expect(seen).toEqual([]);
  });

  it('reports a refused connection as a network error with its code', async () => {
    const closed = http.createServer();
    const closedPort = await listen(closed);
    await close(closed);
    expect(await safeRequest(`http://127.0.0.1:${closedPort}/`, allowed)).toEqual({
      ok: false,
      reason: 'network-error',
      code: 'ECONNREFUSED',
    });
  });
});

describe('safeRequest over TLS to a pinned address', () => {
  const options = { allowList: ['127.0.0.1'], resolve: toLoopback, tls: { ca: pem('ca.pem') } };

  it('sends the original host name as SNI and verifies the certificate against it', async () => {
    const result = await safeRequest(`https://partner.test:${tlsPort}/echo`, options);
    expect(result).toMatchObject({
      ok: true,
      status: 200,
      body: Buffer.from('hello'),
      remoteAddress: '127.0.0.1',
    });
    expect(seen).toHaveLength(1);
    expect(seen[0].servername).toBe('partner.test');
    expect(seen[0].headers.host).toBe(`partner.test:${tlsPort}`);
  });

  it('refuses a certificate for another name, and one from an unknown CA', async () => {
    expect(await safeRequest(`https://other.test:${tlsPort}/echo`, options)).toEqual({
      ok: false,
      reason: 'network-error',
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    const untrusted = await safeRequest(`https://partner.test:${tlsPort}/echo`, {
      ...options,
      tls: undefined,
    });
    expect(untrusted).toMatchObject({ ok: false, reason: 'network-error' });
    expect(untrusted.ok === false && 'code' in untrusted && untrusted.code).toMatch(/CERT|SIGNER|VERIFY/);
    expect(seen).toEqual([]);
  });
});
