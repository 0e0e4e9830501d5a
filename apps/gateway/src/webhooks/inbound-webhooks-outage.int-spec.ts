/**
 * Inbound partner webhooks while Kafka is down. The broker here is the suite's own, so stopping it
 * disturbs no other suite. What must hold: a partner is never told "duplicate" for a webhook that is not
 * on the topic, so its retry after the outage is published, once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { allTopicDefinitions, CE, TOPICS, type WebhookReceivedPayload } from '@meridian/contracts';
import { createKafkaClient, provisionTopics, readTopic, waitForTopics } from '@meridian/kafka';
import { startService } from '@meridian/platform';
import { generateEncryptionKey } from '@meridian/security';
import { eventually, runLauncher, startLocalBroker } from '@meridian/testing';
import { gatewayService } from '../app.module';

const ROOT = path.resolve(__dirname, '../../../..');

describe('inbound partner webhooks when the broker stops', () => {
  const state = path.join(ROOT, '.cache/kafka', `gateway-inbound-outage-${process.pid}.json`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'meridian-gateway-inbound-kafka-'));
  let brokers: string;
  let app: INestApplication | undefined;
  let base: string;

  beforeAll(async () => {
    brokers = await startLocalBroker(['--state', state, '--dir', dataDir]);
    const admin = createKafkaClient({ brokers: brokers.split(','), clientId: 'inbound-outage-test' }).admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    await waitForTopics(admin, [TOPICS.webhooksInbound.name]);
    await admin.disconnect();
    ({ app } = await startService(gatewayService, {
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers,
        PORT: '0',
        MLLP_PORT: '-1',
        LOG_LEVEL: 'error',
        CREDENTIALS_KEYS: `k1:${generateEncryptionKey()}`,
      },
      handleSignals: false,
    }));
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await runLauncher(['stop', '--state', state]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const send = (path: string, body?: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body }),
    });

  it('answers 503 to every copy sent during the outage, never "duplicate", and the retry is one event on the topic', async () => {
    const created = await send(
      '/api/v1/integrations',
      JSON.stringify({
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
      }),
    );
    expect(created.status).toBe(201);
    const integrationId = ((await created.json()) as { id: string }).id;
    const secret = await send(`/api/v1/integrations/${integrationId}/inbound-webhook-secrets`);
    expect(secret.status).toBe(201);
    const partner = new Webhook(((await secret.json()) as { secret: string }).secret);
    const post = (id: string, appointmentId: string) => {
      const at = new Date();
      const payload = JSON.stringify({
        type: 'appointment.booked',
        timestamp: '2025-01-14T09:00:00Z',
        data: { appointmentId },
      });
      return send(`/api/v1/webhooks/inbound/${integrationId}`, payload, {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': partner.sign(id, at, payload),
      });
    };

    // A broker just started may still be electing leaders: like any partner, retry until accepted.
    await eventually(
      async () => ((await post(`msg_${randomUUID()}`, 'apt-warm')).status === 202 ? true : undefined),
      {
        timeoutMs: 60_000,
        intervalMs: 1_000,
        what: 'a webhook accepted by the fresh broker',
      },
    );

    await runLauncher(['stop', '--state', state, '--keep']);
    const id = `msg_${randomUUID()}`;
    // Two copies at once (the partner retrying a slow request): neither may hear "duplicate".
    const during = await Promise.all([post(id, 'apt-outage'), post(id, 'apt-outage')]);
    const answers = await Promise.all(
      during.map(async (response) => [
        response.status,
        ((await response.json()) as { status?: string }).status,
      ]),
    );
    for (const answer of answers) expect(answer[0]).toBe(503);
    expect(answers.map((answer) => answer[1])).not.toContain('duplicate');

    expect(await startLocalBroker(['--state', state, '--dir', dataDir])).toBe(brokers);
    const accepted = await eventually(
      async () => {
        const response = await post(id, 'apt-outage');
        return response.status === 202 ? ((await response.json()) as { status: string }) : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 2_000, what: 'the retried webhook accepted' },
    );
    expect(accepted.status).toBe('accepted');
    const again = await post(id, 'apt-outage');
    expect([again.status, ((await again.json()) as { status: string }).status]).toEqual([200, 'duplicate']);

    const kafka = createKafkaClient({ brokers: brokers.split(','), clientId: 'inbound-outage-reader' });
    const admin = kafka.admin();
    await admin.connect();
    const records = await eventually(() => readTopic(kafka, admin, TOPICS.webhooksInbound.name), {
      what: 'the inbound webhook topic',
    });
    await admin.disconnect();
    const copies = records.filter(
      (r) => (JSON.parse(r.message.value?.toString() ?? '{}') as WebhookReceivedPayload).webhookId === id,
    );
    // The copies refused with 503 may still have reached Kafka once it returned (their publish went on):
    // at least once, and every record is the same event (one ce_id), which consumers dedupe.
    expect(copies.length).toBeGreaterThanOrEqual(1);
    expect(new Set(copies.map((r) => r.message.headers?.[CE.id]?.toString())).size).toBe(1);
  });
});
