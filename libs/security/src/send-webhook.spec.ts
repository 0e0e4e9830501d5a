import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { sendWebhook } from './send-webhook';
import { generateWebhookSecret } from './webhook-signature';

describe('sendWebhook', () => {
  let server: http.Server;
  let url: string;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(request.url === '/moved' ? 301 : 202, { location: '/elsewhere' });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('POSTs exactly the signed bytes, which the standardwebhooks library verifies with either secret', async () => {
    const secrets = [generateWebhookSecret(), generateWebhookSecret()];
    const body = JSON.stringify({
      type: 'patient.admitted',
      timestamp: '2026-11-25T00:00:00Z',
      data: { id: 'é' },
    });
    const { response } = await sendWebhook({
      url: `${url}/hook`,
      webhookId: 'msg_1',
      body,
      secrets,
      timeoutMs: 2_000,
      allowList: ['127.0.0.1'],
      allowHttp: true,
    });
    expect(response).toMatchObject({ ok: true, status: 202 });
    const request = received.at(-1)!;
    expect(request.body).toBe(body);
    expect(request.headers['content-type']).toBe('application/json');
    for (const secret of secrets) {
      expect(() =>
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>),
      ).not.toThrow();
    }
  });

  it('does not follow a redirect and refuses loopback without an allow-list', async () => {
    const common = { webhookId: 'msg_2', body: '{}', secrets: [generateWebhookSecret()], timeoutMs: 2_000 };
    const moved = await sendWebhook({
      ...common,
      url: `${url}/moved`,
      allowList: ['127.0.0.1'],
      allowHttp: true,
    });
    expect(moved.response).toMatchObject({ ok: true, status: 301 });
    expect(received.filter((r) => r.body === '{}')).toHaveLength(1);

    const refused = await sendWebhook({ ...common, url: `${url}/hook`, allowHttp: true });
    expect(refused.response).toEqual({ ok: false, reason: 'blocked-address', category: 'loopback' });
  });
});
