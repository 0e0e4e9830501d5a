import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { Webhook } from 'standardwebhooks';
import {
  allTopicDefinitions,
  CE,
  createCloudEvent,
  TOPICS,
  WEBHOOK_COMMAND_V1,
  WEBHOOK_DELIVERY_V1,
  WEBHOOK_ENDPOINT_V1,
  WEBHOOK_RECEIVED_V1,
  webhookSecretAad,
  type WebhookCommandPayload,
  type WebhookDeliveryPayload,
  type WebhookEndpointPayload,
  type WebhookReceivedPayload,
} from '@meridian/contracts';
import { EventProducer, provisionTopics, readTopic, type StoredRecord } from '@meridian/kafka';
import { startService } from '@meridian/platform';
import { createCipherSuite, generateEncryptionKey, parseEncryptionKeys } from '@meridian/security';
import { eventually, testKafka } from '@meridian/testing';
import { gatewayService } from '../app.module';
import { WebhookAttemptsRetention } from './webhook-attempts-retention';

const KEYS = `k1:${generateEncryptionKey()}`;
const cipher = createCipherSuite(parseEncryptionKeys(KEYS), 'k1');
// Allow-listed loopback: a registrable URL that needs no outside DNS. Private addresses stay refused.
const PARTNER_URL = 'https://127.0.0.1:9443/meridian-hooks';

interface EndpointBody {
  id: string;
  version: number;
  active: boolean;
  disabledReason?: string;
  secret?: string;
  secrets: { secretId: string; createdAt: string; expiresAt?: string }[];
}

describe('webhooks on the gateway: endpoints, delivery log, commands, inbound partner webhooks', () => {
  let gateway: INestApplication;
  let base: string;
  let kafka: Kafka;
  let admin: Admin;
  let dispatcher: EventProducer;

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    dispatcher = new EventProducer(kafka);
    await dispatcher.connect();
    ({ app: gateway } = await startService(gatewayService, {
      env: {
        ...process.env,
        PORT: '0',
        MLLP_PORT: '-1',
        LOG_LEVEL: 'error',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        CREDENTIALS_KEYS: KEYS,
        OUTBOUND_ALLOW_LIST: '127.0.0.1',
      },
      handleSignals: false,
    }));
    base = (await gateway.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await gateway?.close();
    await dispatcher?.disconnect();
    await admin?.disconnect();
  });

  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });

  const recordsOf = async (topic: string, key: string): Promise<StoredRecord[]> =>
    (await readTopic(kafka, admin, topic)).filter((record) => record.message.key?.toString() === key);

  /** Waits until the topic holds `count` records for the key, and returns them. */
  const awaitRecords = (topic: string, key: string, count: number) =>
    eventually(
      async () => {
        const found = await recordsOf(topic, key);
        return found.length >= count ? found : undefined;
      },
      { what: `${count} record(s) for ${key} on ${topic}` },
    );

  const endpointPayloads = async (id: string, count: number): Promise<(WebhookEndpointPayload | null)[]> =>
    (await awaitRecords(TOPICS.webhookEndpoints.name, id, count)).map((record) =>
      record.message.value === null
        ? null
        : (JSON.parse(record.message.value.toString()) as WebhookEndpointPayload),
    );

  const createEndpoint = async (overrides: Record<string, unknown> = {}): Promise<EndpointBody> => {
    const response = await send('POST', '/api/v1/webhooks/endpoints', {
      url: PARTNER_URL,
      eventTypes: ['patient.admitted', 'result.available'],
      description: 'Acme Care bed management',
      rateLimitPerSecond: 20,
      ...overrides,
    });
    expect(response.status).toBe(201);
    return (await response.json()) as EndpointBody;
  };

  const deliver = (delivery: Partial<WebhookDeliveryPayload> & { endpointId: string; webhookId: string }) =>
    dispatcher.publish(TOPICS.webhookDeliveries.name, [
      {
        key: delivery.webhookId,
        event: createCloudEvent({
          source: '/meridian/webhook-dispatcher',
          type: WEBHOOK_DELIVERY_V1,
          data: { attempt: 1, outcome: 'delivered', ...delivery },
        }),
      },
    ]);

  describe('endpoints', () => {
    it('returns the secret once, publishes it sealed, and never shows it again', async () => {
      const created = await createEndpoint();
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
      expect(created).toMatchObject({ version: 1, active: true });
      expect(created.secrets).toHaveLength(1);

      const fetched = await send('GET', `/api/v1/webhooks/endpoints/${created.id}`);
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get('etag')).toBe('"1"');
      const fetchedText = await fetched.text();
      expect(fetchedText).not.toContain(created.secret);
      expect(fetchedText).not.toContain('sealed');
      const listed = await (await send('GET', '/api/v1/webhooks/endpoints?active=true')).text();
      expect(listed).toContain(created.id);
      expect(listed).not.toContain(created.secret);

      const [record] = await awaitRecords(TOPICS.webhookEndpoints.name, created.id, 1);
      expect(record.message.headers?.[CE.type]?.toString()).toBe(WEBHOOK_ENDPOINT_V1);
      const value = record.message.value?.toString() ?? '';
      expect(value).not.toContain(created.secret);
      const payload = JSON.parse(value) as WebhookEndpointPayload;
      expect(payload).toMatchObject({
        endpointId: created.id,
        version: 1,
        url: PARTNER_URL,
        eventTypes: ['patient.admitted', 'result.available'],
        active: true,
        rateLimitPerSecond: 20,
      });
      // Sealed for this endpoint only: it opens with the key ring and the endpoint's AAD, nowhere else.
      expect(cipher.decrypt(payload.secrets[0].sealed, webhookSecretAad(created.id))).toBe(created.secret);
      expect(() => cipher.decrypt(payload.secrets[0].sealed, webhookSecretAad(randomUUID()))).toThrow();
    });

    it('rotates: both secrets on the topic, the old one expiring after the overlap, the new one shown once', async () => {
      const created = await createEndpoint();
      const before = Date.now();
      const rotated = await send('POST', `/api/v1/webhooks/endpoints/${created.id}/secret/rotate`, {
        overlapSeconds: 3600,
      });
      expect(rotated.status).toBe(200);
      const body = (await rotated.json()) as EndpointBody;
      expect(body.secret).toMatch(/^whsec_/);
      expect(body.secret).not.toBe(created.secret);
      expect(body.version).toBe(2);

      const [, second] = await endpointPayloads(created.id, 2);
      expect(second?.version).toBe(2);
      const secrets = second?.secrets ?? [];
      expect(secrets).toHaveLength(2);
      expect(cipher.decrypt(secrets[0].sealed, webhookSecretAad(created.id))).toBe(body.secret);
      expect(secrets[0].expiresAt).toBeUndefined();
      expect(cipher.decrypt(secrets[1].sealed, webhookSecretAad(created.id))).toBe(created.secret);
      const expiresAt = Date.parse(secrets[1].expiresAt ?? '');
      expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);

      // A rotation with no overlap replaces every secret at once.
      const replaced = (await (
        await send('POST', `/api/v1/webhooks/endpoints/${created.id}/secret/rotate`, { overlapSeconds: 0 })
      ).json()) as EndpointBody;
      const third = (await endpointPayloads(created.id, 3))[2];
      expect(third?.secrets.map((s) => cipher.decrypt(s.sealed, webhookSecretAad(created.id)))).toEqual([
        replaced.secret,
      ]);
    });

    it('drops a secret whose overlap has ended from the next version published', async () => {
      const created = await createEndpoint();
      const rotated = (await (
        await send('POST', `/api/v1/webhooks/endpoints/${created.id}/secret/rotate`, { overlapSeconds: 1 })
      ).json()) as EndpointBody;
      const expiresAt = Date.parse(rotated.secrets[1]?.expiresAt ?? '');
      await eventually(() => (Date.now() > expiresAt ? true : undefined), { what: 'the overlap to end' });
      const patched = await send('PATCH', `/api/v1/webhooks/endpoints/${created.id}`, {
        description: 'after the overlap',
      });
      expect(((await patched.json()) as EndpointBody).secrets.map((s) => s.secretId)).toEqual([
        rotated.secrets[0].secretId,
      ]);
      const third = (await endpointPayloads(created.id, 3))[2];
      expect(third?.secrets.map((s) => cipher.decrypt(s.sealed, webhookSecretAad(created.id)))).toEqual([
        rotated.secret,
      ]);
    });

    it('updates with PUT and PATCH (If-Match guarded), deletes with a tombstone', async () => {
      const created = await createEndpoint();
      const put = await send(
        'PUT',
        `/api/v1/webhooks/endpoints/${created.id}`,
        { url: `${PARTNER_URL}/v2`, eventTypes: ['*'] },
        { 'if-match': '"1"' },
      );
      expect(put.status).toBe(200);
      expect(await put.json()).toMatchObject({ version: 2, eventTypes: ['*'], active: true });
      const stale = await send(
        'PATCH',
        `/api/v1/webhooks/endpoints/${created.id}`,
        { active: false },
        {
          'if-match': '"1"',
        },
      );
      expect(stale.status).toBe(412);
      const patched = await send('PATCH', `/api/v1/webhooks/endpoints/${created.id}`, { active: false });
      expect(await patched.json()).toMatchObject({ version: 3, active: false, disabledReason: 'manual' });
      expect((await send('DELETE', `/api/v1/webhooks/endpoints/${created.id}`)).status).toBe(204);
      expect((await send('GET', `/api/v1/webhooks/endpoints/${created.id}`)).status).toBe(404);

      const payloads = await endpointPayloads(created.id, 4);
      expect(payloads.map((p) => (p === null ? 'tombstone' : `${p.version}:${p.active}`))).toEqual([
        '1:true',
        '2:true',
        '3:false',
        'tombstone',
      ]);
      expect(payloads[2]?.disabledReason).toBe('manual');
      // The secret survives every change until rotated.
      expect(payloads[2]?.secrets[0].secretId).toBe(created.secrets[0].secretId);
    });

    it('refuses a private or plain-http URL with 400 naming the problem, and stores nothing', async () => {
      const before = ((await (await send('GET', '/api/v1/webhooks/endpoints?limit=500')).json()) as unknown[])
        .length;
      for (const [url, problem] of [
        ['https://10.1.2.3/hooks', 'url: resolves to a private address'],
        ['https://169.254.169.254/latest', 'url: resolves to a link-local address'],
        ['http://127.0.0.1:9443/hooks', 'url: must use https'],
      ]) {
        const response = await send('POST', '/api/v1/webhooks/endpoints', { url, eventTypes: ['*'] });
        expect([url, response.status]).toEqual([url, 400]);
        const message = ((await response.json()) as { message: string[] }).message;
        expect(message).toEqual([expect.stringContaining(problem)]);
      }
      const bad = await send('POST', '/api/v1/webhooks/endpoints', {
        url: PARTNER_URL,
        eventTypes: [],
        rateLimitPerSecond: 0,
        secret: 'whsec_mine',
      });
      expect(bad.status).toBe(400);
      const problems = JSON.stringify(await bad.json());
      expect(problems).toContain('eventTypes');
      expect(problems).toContain('rateLimitPerSecond');
      expect(problems).toContain('property secret should not exist');
      const after = ((await (await send('GET', '/api/v1/webhooks/endpoints?limit=500')).json()) as unknown[])
        .length;
      expect(after).toBe(before);
    });
  });

  describe('delivery log', () => {
    it('turns delivery records into queryable attempts, once each however often redelivered', async () => {
      const endpoint = await createEndpoint();
      const webhookId = `msg_${randomUUID().replace(/-/g, '')}`;
      await deliver({
        endpointId: endpoint.id,
        webhookId,
        integrationId: 'int-goodhealth-adt',
        type: 'patient.admitted',
        attempt: 1,
        outcome: 'failed',
        statusCode: 503,
        durationMs: 120,
        nextAttemptAt: new Date(Date.now() + 5000).toISOString(),
        responseBody: 'busy, try later',
        error: { class: 'HttpStatus5xx', message: 'endpoint answered 503', retryable: true },
      });
      const second = {
        endpointId: endpoint.id,
        webhookId,
        type: 'patient.admitted',
        attempt: 2,
        statusCode: 200,
      };
      await deliver(second);
      await deliver(second); // redelivered
      const other = `msg_${randomUUID().replace(/-/g, '')}`;
      await deliver({ endpointId: endpoint.id, webhookId: other, outcome: 'exhausted', attempt: 8 });

      const attempts = await eventually(
        async () => {
          const response = await send('GET', `/api/v1/webhooks/messages/${webhookId}/attempts`);
          const list = (await response.json()) as { attempt: number; outcome: string }[];
          return list.length >= 2 ? list : undefined;
        },
        { what: 'two attempts in the log' },
      );
      expect(attempts).toEqual([
        expect.objectContaining({
          attempt: 1,
          outcome: 'failed',
          statusCode: 503,
          responseBody: 'busy, try later',
          error: expect.objectContaining({ class: 'HttpStatus5xx' }),
          type: 'patient.admitted',
        }),
        expect.objectContaining({ attempt: 2, outcome: 'delivered', statusCode: 200 }),
      ]);

      await eventually(
        async () => {
          const all = (await (
            await send('GET', `/api/v1/webhooks/endpoints/${endpoint.id}/deliveries`)
          ).json()) as unknown[];
          return all.length === 3 ? all : undefined;
        },
        { what: 'three attempts for the endpoint' },
      );
      const exhausted = (await (
        await send('GET', `/api/v1/webhooks/endpoints/${endpoint.id}/deliveries?outcome=exhausted`)
      ).json()) as { webhookId: string }[];
      expect(exhausted.map((a) => a.webhookId)).toEqual([other]);
      const ofOne = (await (
        await send(
          'GET',
          `/api/v1/webhooks/endpoints/${endpoint.id}/deliveries?webhookId=${webhookId}&limit=1`,
        )
      ).json()) as { webhookId: string }[];
      expect(ofOne).toHaveLength(1);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      const none = (await (
        await send('GET', `/api/v1/webhooks/endpoints/${endpoint.id}/deliveries?since=${future}`)
      ).json()) as unknown[];
      expect(none).toEqual([]);
      const bad = await send(
        'GET',
        `/api/v1/webhooks/endpoints/${endpoint.id}/deliveries?outcome=lost&since=x`,
      );
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await bad.json())).toContain('outcome');
    });

    it('blanks partner response bodies after the retention, keeping the attempts', async () => {
      const endpoint = await createEndpoint();
      const webhookId = `msg_${randomUUID().replace(/-/g, '')}`;
      await deliver({
        endpointId: endpoint.id,
        webhookId,
        type: 'patient.admitted',
        attempt: 1,
        outcome: 'failed',
        statusCode: 500,
        responseBody: 'could not store patient MRN-1234',
      });
      const attempts = async () =>
        (await (await send('GET', `/api/v1/webhooks/messages/${webhookId}/attempts`)).json()) as {
          statusCode: number;
          responseBody?: string;
        }[];
      await eventually(async () => ((await attempts()).length === 1 ? true : undefined), {
        what: 'the attempt in the log',
      });
      const retention = gateway.get(WebhookAttemptsRetention).schedule;
      await retention.run();
      expect((await attempts())[0].responseBody).toBe('could not store patient MRN-1234');
      await retention.run(Date.now() + 31 * 24 * 60 * 60 * 1000);
      const [kept] = await attempts();
      expect(kept.statusCode).toBe(500);
      expect(kept).not.toHaveProperty('responseBody');
    });

    it('disables the endpoint on a disabled outcome and publishes the new version once', async () => {
      const endpoint = await createEndpoint();
      const webhookId = `msg_${randomUUID().replace(/-/g, '')}`;
      await deliver({ endpointId: endpoint.id, webhookId, attempt: 1, outcome: 'disabled', statusCode: 410 });
      await deliver({ endpointId: endpoint.id, webhookId, attempt: 1, outcome: 'disabled', statusCode: 410 });
      const view = await eventually(
        async () => {
          const body = (await (
            await send('GET', `/api/v1/webhooks/endpoints/${endpoint.id}`)
          ).json()) as EndpointBody;
          return body.active ? undefined : body;
        },
        { what: 'the endpoint disabled' },
      );
      expect(view).toMatchObject({ active: false, disabledReason: 'gone', version: 2 });
      const [, disabled] = await endpointPayloads(endpoint.id, 2);
      expect(disabled).toMatchObject({ version: 2, active: false, disabledReason: 'gone' });

      // The redelivered verdict changed nothing more: a later record of the same message (same key, so
      // the same partition, processed after it) is in the log, and still only two versions are on the topic.
      await deliver({
        endpointId: endpoint.id,
        webhookId,
        attempt: 2,
        outcome: 'delivered',
        statusCode: 200,
      });
      await eventually(
        async () =>
          ((await (await send('GET', `/api/v1/webhooks/messages/${webhookId}/attempts`)).json()) as unknown[])
            .length === 2 || undefined,
        { what: 'the later attempt in the log' },
      );
      expect(await recordsOf(TOPICS.webhookEndpoints.name, endpoint.id)).toHaveLength(2);

      // Re-enabled by an operator: the old verdict does not disable it again.
      const enabled = await send('PATCH', `/api/v1/webhooks/endpoints/${endpoint.id}`, { active: true });
      expect(await enabled.json()).toMatchObject({ active: true, version: 3 });
      expect((await endpointPayloads(endpoint.id, 3))[2]).toMatchObject({ active: true });
      expect((await endpointPayloads(endpoint.id, 3))[2]?.disabledReason).toBeUndefined();
    });
  });

  describe('commands', () => {
    it('publishes resend and recover on webhooks.commands.v1 and answers 202 with the command id', async () => {
      const endpoint = await createEndpoint();
      const webhookId = `msg_${randomUUID().replace(/-/g, '')}`;
      const resend = await send(
        'POST',
        `/api/v1/webhooks/endpoints/${endpoint.id}/messages/${webhookId}/resend`,
      );
      expect(resend.status).toBe(202);
      const { commandId: resendId } = (await resend.json()) as { commandId: string };
      const since = '2025-01-14T00:00:00Z';
      const recover = await send('POST', `/api/v1/webhooks/endpoints/${endpoint.id}/recover`, { since });
      expect(recover.status).toBe(202);
      const { commandId: recoverId } = (await recover.json()) as { commandId: string };

      const records = await awaitRecords(TOPICS.webhookCommands.name, endpoint.id, 2);
      expect(records.map((r) => r.message.headers?.[CE.type]?.toString())).toEqual([
        WEBHOOK_COMMAND_V1,
        WEBHOOK_COMMAND_V1,
      ]);
      const commands = records.map(
        (r) => JSON.parse(r.message.value?.toString() ?? '') as WebhookCommandPayload,
      );
      expect(commands).toEqual([
        expect.objectContaining({
          commandId: resendId,
          command: 'resend',
          endpointId: endpoint.id,
          webhookId,
        }),
        expect.objectContaining({ commandId: recoverId, command: 'recover', endpointId: endpoint.id, since }),
      ]);

      expect(
        (await send('POST', `/api/v1/webhooks/endpoints/${endpoint.id}/messages/not-an-id/resend`)).status,
      ).toBe(400);
      expect(
        (await send('POST', `/api/v1/webhooks/endpoints/${endpoint.id}/recover`, { since: 'yesterday' }))
          .status,
      ).toBe(400);
      expect(
        (await send('POST', `/api/v1/webhooks/endpoints/${randomUUID()}/recover`, { since })).status,
      ).toBe(404);
      expect(await recordsOf(TOPICS.webhookCommands.name, endpoint.id)).toHaveLength(2);
    });
  });

  describe('inbound partner webhooks', () => {
    let integrationId: string;
    let partner: Webhook;

    beforeAll(async () => {
      const created = await send('POST', '/api/v1/integrations', {
        facility: 'ACME',
        systemType: 'partner',
        systemName: 'Acme scheduling',
        connection: {
          type: 'webhook',
          endpoint: 'https://acme.example/hooks',
          authentication: { type: 'none' },
          timeout: 15000,
          retryPolicy: { maxAttempts: 3, backoff: 'exponential', base: 500 },
        },
        synchronization: {
          enabled: true,
          direction: 'inbound',
          frequency: 'real_time',
          conflictResolution: 'source_wins',
        },
      });
      expect([created.status, created.status === 201 ? '' : await created.text()]).toEqual([201, '']);
      integrationId = ((await created.json()) as { id: string }).id;
      const secret = await send('POST', `/api/v1/integrations/${integrationId}/inbound-webhook-secrets`);
      expect(secret.status).toBe(201);
      partner = new Webhook(((await secret.json()) as { secret: string }).secret);
    });

    const body = (appointmentId: string) =>
      JSON.stringify({
        type: 'appointment.booked',
        timestamp: '2025-01-14T09:00:00Z',
        data: { appointmentId, start: '2025-01-20T14:00:00Z' },
      });

    /** Signed exactly as a partner using the public standardwebhooks library would. */
    const post = (payload: string, id: string, at = new Date(), signer = partner) =>
      send('POST', `/api/v1/webhooks/inbound/${integrationId}`, payload, {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signer.sign(id, at, payload),
      });

    const published = async (): Promise<WebhookReceivedPayload[]> =>
      (await recordsOf(TOPICS.webhooksInbound.name, integrationId)).map(
        (r) => JSON.parse(r.message.value?.toString() ?? '') as WebhookReceivedPayload,
      );

    it('publishes a validly signed webhook before answering 2xx, and not a replay of it', async () => {
      const id = `msg_${randomUUID()}`;
      const payload = body('apt-1');
      const response = await post(payload, id);
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ status: 'accepted' });
      // Published before the answer: already on the topic now.
      const records = await recordsOf(TOPICS.webhooksInbound.name, integrationId);
      expect(records).toHaveLength(1);
      expect(records[0].message.headers?.[CE.type]?.toString()).toBe(WEBHOOK_RECEIVED_V1);
      expect(records[0].message.headers?.[CE.integrationId]?.toString()).toBe(integrationId);
      expect(await published()).toEqual([
        {
          webhookId: id,
          integrationId,
          type: 'appointment.booked',
          timestamp: '2025-01-14T09:00:00Z',
          data: { appointmentId: 'apt-1', start: '2025-01-20T14:00:00Z' },
        },
      ]);

      // The same request again (a replay, or the partner's retry): answered, not published again.
      const replay = await post(payload, id);
      expect(replay.status).toBe(200);
      expect(await replay.json()).toMatchObject({ status: 'duplicate' });
      const second = await post(body('apt-2'), `msg_${randomUUID()}`);
      expect(second.status).toBe(202);
      expect((await published()).map((p) => p.data.appointmentId)).toEqual(['apt-1', 'apt-2']);
    });

    it('answers "duplicate" only for a webhook already on the topic, and copies sent at once share one ce_id', async () => {
      const id = `msg_${randomUUID()}`;
      const payload = body('apt-race');
      const ofThisId = async () =>
        (await recordsOf(TOPICS.webhooksInbound.name, integrationId)).filter(
          (r) => (JSON.parse(r.message.value?.toString() ?? '') as WebhookReceivedPayload).webhookId === id,
        );
      const answers = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const response = await post(payload, id);
          const answer = (await response.json()) as { status: string; eventId?: string };
          // Whoever hears "duplicate" must find the event already published.
          const onTopic = answer.status === 'duplicate' ? (await ofThisId()).length : undefined;
          return { status: response.status, answer, onTopic };
        }),
      );
      for (const { status, answer, onTopic } of answers) {
        if (answer.status === 'duplicate') expect([status, (onTopic ?? 0) > 0]).toEqual([200, true]);
        else expect([status, answer.status]).toEqual([202, 'accepted']);
      }
      const records = await ofThisId();
      expect(records.length).toBeGreaterThan(0);
      const ids = new Set(records.map((r) => r.message.headers?.[CE.id]?.toString()));
      const accepted = answers.filter((a) => a.answer.status === 'accepted').map((a) => a.answer.eventId);
      expect([...ids]).toEqual([accepted[0]]);
      expect(new Set(accepted).size).toBe(1);
      // Once remembered, a later copy is a duplicate and adds nothing.
      const later = await post(payload, id);
      expect([later.status, ((await later.json()) as { status: string }).status]).toEqual([200, 'duplicate']);
      expect(await ofThisId()).toHaveLength(records.length);
    });

    it('answers 401 with the reason and publishes nothing for a bad signature, an old timestamp or a missing header', async () => {
      const before = (await published()).length;
      const stranger = new Webhook(`whsec_${Buffer.from(randomUUID()).toString('base64')}`);
      const cases: [string, Promise<Response>][] = [
        ['no-matching-signature', post(body('apt-x'), `msg_${randomUUID()}`, new Date(), stranger)],
        ['timestamp-too-old', post(body('apt-y'), `msg_${randomUUID()}`, new Date(Date.now() - 10 * 60_000))],
        ['missing-header', send('POST', `/api/v1/webhooks/inbound/${integrationId}`, body('apt-z'))],
      ];
      for (const [reason, pending] of cases) {
        const response = await pending;
        expect([reason, response.status]).toEqual([reason, 401]);
        expect(await response.json()).toMatchObject({ reason });
      }
      // A signature over other bytes than those sent (the body changed in transit).
      const id = `msg_${randomUUID()}`;
      const at = new Date();
      const tampered = await send('POST', `/api/v1/webhooks/inbound/${integrationId}`, body('apt-evil'), {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': partner.sign(id, at, body('apt-good')),
      });
      expect(tampered.status).toBe(401);
      expect((await published()).length).toBe(before);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/meridian_webhooks_inbound_total\{outcome="unauthorized"\} [1-9]/);
    });

    it('accepts any of several active secrets, and refuses one revoked', async () => {
      const extra = (await (
        await send('POST', `/api/v1/integrations/${integrationId}/inbound-webhook-secrets`)
      ).json()) as { secretId: string; secret: string };
      const listed = await (
        await send('GET', `/api/v1/integrations/${integrationId}/inbound-webhook-secrets`)
      ).text();
      expect(listed).toContain(extra.secretId);
      expect(listed).not.toContain(extra.secret);
      const rotatedPartner = new Webhook(extra.secret);
      expect(
        (await post(body('apt-new-key'), `msg_${randomUUID()}`, new Date(), rotatedPartner)).status,
      ).toBe(202);
      expect((await post(body('apt-old-key'), `msg_${randomUUID()}`)).status).toBe(202);
      const revoked = await send(
        'DELETE',
        `/api/v1/integrations/${integrationId}/inbound-webhook-secrets/${extra.secretId}`,
      );
      expect(revoked.status).toBe(204);
      const refused = await post(body('apt-revoked'), `msg_${randomUUID()}`, new Date(), rotatedPartner);
      expect(refused.status).toBe(401);
      expect((await published()).map((p) => p.data.appointmentId)).not.toContain('apt-revoked');
    });

    it('refuses a verified body that is not {type, timestamp, data}, too deep or holding a NUL', async () => {
      const invalid = await post(JSON.stringify({ type: 'x', timestamp: 1736845200 }), `msg_${randomUUID()}`);
      expect(invalid.status).toBe(400);
      expect(JSON.stringify(await invalid.json())).toContain('timestamp');
      // Signed, so past the signature check: 5,000 levels deep could not be published (a 500 before).
      const deep = `{"type":"x","timestamp":"2025-01-14T09:00:00Z","data":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
      const tooDeep = await post(deep, `msg_${randomUUID()}`);
      expect([tooDeep.status, JSON.stringify(await tooDeep.json())]).toEqual([
        400,
        expect.stringContaining('body: nested deeper than 64 levels'),
      ]);
      const withNul = await post(
        JSON.stringify({ type: 'x', timestamp: '2025-01-14T09:00:00Z', data: { note: 'a\u0000b' } }),
        `msg_${randomUUID()}`,
      );
      expect([withNul.status, JSON.stringify(await withNul.json())]).toEqual([
        400,
        expect.stringContaining('data.note: must not contain NUL'),
      ]);
    });

    it('answers an unknown integration, and one without inbound secrets, exactly as a wrong signature', async () => {
      const noSecrets = await send('POST', '/api/v1/integrations', {
        facility: 'ACME',
        systemType: 'partner',
        systemName: 'Acme without secrets',
        connection: {
          type: 'webhook',
          endpoint: 'https://hooks.acme.example/meridian',
          authentication: { type: 'none' },
          timeout: 15000,
          retryPolicy: { maxAttempts: 3, backoff: 'exponential', base: 500 },
        },
        synchronization: {
          enabled: false,
          direction: 'inbound',
          frequency: 'real_time',
          conflictResolution: 'source_wins',
        },
      });
      expect(noSecrets.status).toBe(201);
      const stranger = new Webhook(`whsec_${Buffer.from(randomUUID()).toString('base64')}`);
      const at = new Date();
      const id = `msg_${randomUUID()}`;
      const headers = {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': stranger.sign(id, at, body('apt-9')),
      };
      const answers = [];
      for (const target of [integrationId, ((await noSecrets.json()) as { id: string }).id, randomUUID()]) {
        const response = await send('POST', `/api/v1/webhooks/inbound/${target}`, body('apt-9'), headers);
        answers.push({ status: response.status, body: await response.text() });
      }
      expect(answers[0]).toEqual({
        status: 401,
        body: JSON.stringify({ statusCode: 401, error: 'Unauthorized', reason: 'no-matching-signature' }),
      });
      // Known with secrets, known without, unknown: nothing tells them apart.
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
      // Header problems come first for all of them alike.
      const unsigned = await send('POST', `/api/v1/webhooks/inbound/${randomUUID()}`, body('apt-9'));
      expect(await unsigned.json()).toMatchObject({ reason: 'missing-header' });
    });
  });

  it('documents the webhook API in the OpenAPI document', async () => {
    const document = (await (await fetch(`${base}/api/docs-json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/webhooks/endpoints',
        '/api/v1/webhooks/endpoints/{id}',
        '/api/v1/webhooks/endpoints/{id}/secret/rotate',
        '/api/v1/webhooks/endpoints/{id}/deliveries',
        '/api/v1/webhooks/messages/{webhookId}/attempts',
        '/api/v1/webhooks/endpoints/{id}/messages/{webhookId}/resend',
        '/api/v1/webhooks/endpoints/{id}/recover',
        '/api/v1/webhooks/inbound/{integrationId}',
        '/api/v1/integrations/{id}/inbound-webhook-secrets',
      ]),
    );
  });
});
