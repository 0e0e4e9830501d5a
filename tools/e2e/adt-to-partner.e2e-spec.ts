/**
 * End to end, the main flow of DESIGN.md as a partner sees it: an ADT^A01 sent over MLLP to the built
 * gateway becomes, through the transformer, orchestrator and webhook dispatcher processes, one signed
 * `patient.admitted` webhook at a partner endpoint registered through the gateway's API. The partner
 * verifies it with the public `standardwebhooks` library and the secret the API showed once.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { allTopicDefinitions } from '@meridian/contracts';
import { provisionTopics } from '@meridian/kafka';
import { generateEncryptionKey } from '@meridian/security';
import {
  eventually,
  freePort,
  MllpClient,
  readAck,
  startBuiltServices,
  stopBuiltServices,
  testKafka,
  type RunningService,
} from '@meridian/testing';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

const unique = (prefix: string): string =>
  `${prefix}${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;

describe('an admission over MLLP reaches a partner as a signed webhook (built services)', () => {
  const services: RunningService[] = [];
  const received: Received[] = [];
  const facility = unique('FAC');
  const mrn = unique('MRN');
  let receiver: Server;
  let api: string;
  let mllpPort: number;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204);
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));

    const admin = testKafka().admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    await admin.disconnect();
    mllpPort = await freePort();
    const env = {
      ...process.env,
      LOG_LEVEL: 'warn',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      // One key ring: the gateway seals the endpoint's secret, the dispatcher opens it.
      CREDENTIALS_KEYS: `k1:${generateEncryptionKey()}`,
      CREDENTIALS_ACTIVE_KEY_ID: 'k1',
      OUTBOUND_ALLOW_LIST: '127.0.0.1',
      OUTBOUND_ALLOW_HTTP: 'true',
    };
    services.push(
      ...(await startBuiltServices(['gateway', 'transformer', 'orchestrator', 'webhook-dispatcher'], env, {
        gateway: { MLLP_PORT: String(mllpPort) },
      })),
    );
    api = `http://127.0.0.1:${services[0].port}/api/v1`;
  }, 180_000);

  afterAll(async () => {
    await stopBuiltServices(services);
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('delivers patient.admitted, verifiable by the partner, with identifiers only, and logs the attempt', async () => {
    const created = await fetch(`${api}/webhooks/endpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
        eventTypes: ['patient.admitted'],
        description: 'care coordination partner',
      }),
    });
    expect(created.status).toBe(201);
    const endpoint = (await created.json()) as { id: string; secret: string };
    expect(endpoint.secret).toMatch(/^whsec_/);

    const ours = (r: Received) => r.body.includes(mrn);
    // The endpoint reaches the dispatcher over Kafka; send admissions (new control ids) until one
    // is announced after it arrived, as a partner onboarding on a live feed would see.
    await eventually(
      async () => {
        const message =
          [
            `MSH|^~\\&|ADT1|${facility}|MERIDIAN|MERIDIAN|20260401090000||ADT^A01^ADT_A01|${unique('C')}|P|2.5.1`,
            `EVN|A01|20260401090000`,
            `PID|1||${mrn}^^^${facility}^MR||WASHINGTON^GRACE||19750505|F`,
            `PV1|1|I|W^101^1^${facility}||||||||||||||||${unique('V')}^^^${facility}^VN`,
          ].join('\r') + '\r';
        const client = await MllpClient.connect(mllpPort);
        expect(readAck(await client.request(message)).code).toBe('AA');
        client.close();
        return eventually(() => received.find(ours), { timeoutMs: 15_000 }).catch(() => undefined);
      },
      {
        timeoutMs: 120_000,
        intervalMs: 1_000,
        what: () =>
          `a webhook (${services.map((s) => `${s.name}: ${s.output.join('').slice(-1000)}`).join('\n')})`,
      },
    );
    const delivery = received.find(ours) as Received;

    // Exactly what a partner does: verify the raw body with the secret it was shown.
    const verified = new Webhook(endpoint.secret).verify(
      delivery.body,
      delivery.headers as Record<string, string>,
    );
    expect(verified).toMatchObject({
      type: 'patient.admitted',
      data: { trigger: 'A01', patient: { value: mrn } },
    });
    expect(delivery.headers['webhook-id']).toMatch(/^msg_/);
    // Thin for PHI: no name, no birth date.
    expect(delivery.body).not.toContain('WASHINGTON');
    expect(delivery.body).not.toContain('1975');

    const webhookId = String(delivery.headers['webhook-id']);
    const attempts = await eventually(
      async () => {
        const response = await fetch(`${api}/webhooks/messages/${webhookId}/attempts`);
        const list = response.status === 200 ? ((await response.json()) as Record<string, unknown>[]) : [];
        return list.length > 0 ? list : undefined;
      },
      { what: 'the delivery log' },
    );
    expect(attempts[0]).toMatchObject({
      endpointId: endpoint.id,
      type: 'patient.admitted',
      attempt: 1,
      outcome: 'delivered',
      statusCode: 204,
    });
  }, 300_000);
});
