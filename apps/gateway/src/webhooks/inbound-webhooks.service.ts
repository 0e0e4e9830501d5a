import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import {
  createCloudEvent,
  TOPICS,
  validatePayload,
  WEBHOOK_RECEIVED_V1,
  WebhookReceivedPayload,
} from '@meridian/contracts';
import { uuidV5 } from '@meridian/hl7-fhir';
import { EventProducer, safeErrorMessage } from '@meridian/kafka';
import { SERVICE_SETTINGS } from '@meridian/platform';
import { generateWebhookSecret, verifyWebhook } from '@meridian/security';
import type { GatewaySettings } from '../gateway.settings';
import { jsonProblems } from '../http/pipes';
import { Integration } from '../integrations/integration.entity';
import { InboundWebhookId, InboundWebhookSecret } from './inbound-webhook-secret.entity';
import type { InboundSecretView, InboundSecretWithSecret } from './webhook-endpoint.dto';
import { WebhookCipher } from './webhook-cipher';

const SOURCE = '/meridian/gateway';
const PURGE_EVERY_MS = 60_000;

/** The AAD an integration's inbound secrets are sealed with. */
export const inboundSecretAad = (integrationId: string): string => `inbound-webhook:${integrationId}`;

/** What happened to one inbound webhook; the controller turns it into a status and a JSON body. */
export type InboundOutcome =
  | { outcome: 'accepted'; eventId: string }
  | { outcome: 'duplicate' }
  | { outcome: 'unauthorized'; reason: string }
  | { outcome: 'invalid'; problems: string[] }
  | { outcome: 'not-stored' };

/**
 * Inbound partner webhooks (Standard Webhooks 1.0): verified over the raw body against every secret of
 * the integration, a `webhook-id` accepted once per integration, and published to webhooks.inbound.v1
 * before the partner gets its 2xx.
 */
@Injectable()
export class InboundWebhooksService {
  private readonly logger = new Logger('InboundWebhooks');
  private readonly received: Counter<'outcome'>;
  private lastPurge = 0;
  /**
   * A secret nobody holds, checked when the integration has none (or does not exist): the request then
   * takes the same steps and gets the same 401 as one signed with a wrong secret, so integration ids
   * cannot be told apart from outside.
   */
  private readonly decoy = generateWebhookSecret();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly producer: EventProducer,
    private readonly cipher: WebhookCipher,
    @Inject(SERVICE_SETTINGS) private readonly settings: GatewaySettings,
    registry: Registry,
  ) {
    this.received = new Counter({
      name: 'meridian_webhooks_inbound_total',
      help: 'Inbound partner webhooks, by outcome (accepted, duplicate, unauthorized, invalid, not_stored)',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }

  async createSecret(integrationId: string): Promise<InboundSecretWithSecret> {
    await this.assertIntegration(integrationId);
    const secret = generateWebhookSecret();
    const row: InboundWebhookSecret = {
      id: randomUUID(),
      integrationId,
      sealed: this.cipher.seal(secret, inboundSecretAad(integrationId)),
      createdAt: new Date(),
    };
    await this.dataSource.getRepository(InboundWebhookSecret).insert(row);
    return { ...secretView(row), secret };
  }

  async listSecrets(integrationId: string): Promise<InboundSecretView[]> {
    await this.assertIntegration(integrationId);
    const rows = await this.dataSource
      .getRepository(InboundWebhookSecret)
      .find({ where: { integrationId }, order: { createdAt: 'DESC' } });
    return rows.map(secretView);
  }

  async revokeSecret(integrationId: string, secretId: string): Promise<void> {
    const result = await this.dataSource
      .getRepository(InboundWebhookSecret)
      .delete({ id: secretId, integrationId });
    if (!result.affected)
      throw new NotFoundException(`no inbound webhook secret ${secretId} for this integration`);
  }

  async receive(integrationId: string, headers: IncomingHttpHeaders, body: Buffer): Promise<InboundOutcome> {
    const result = await this.verifyAndPublish(integrationId, headers, body);
    this.received.inc({ outcome: result.outcome.replace('-', '_') });
    return result;
  }

  private async verifyAndPublish(
    integrationId: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<InboundOutcome> {
    // One query whether or not the integration exists; a deleted integration's secrets count for nothing.
    const rows = await this.dataSource
      .getRepository(InboundWebhookSecret)
      .createQueryBuilder('secret')
      .innerJoin(Integration, 'integration', 'integration.id = secret.integrationId')
      .where('secret.integrationId = :integrationId', { integrationId })
      .getMany();
    const secrets =
      rows.length > 0
        ? rows.map((row) => this.cipher.open(row.sealed, inboundSecretAad(integrationId)))
        : [this.decoy];
    const verified = verifyWebhook({
      headers,
      body,
      secrets,
      toleranceSeconds: this.settings.INBOUND_WEBHOOK_TOLERANCE_SECONDS,
    });
    if (!verified.ok) return { outcome: 'unauthorized', reason: verified.reason };

    const parsed = parseBody(body);
    if (!parsed.ok) return { outcome: 'invalid', problems: parsed.problems };
    const payload = { webhookId: verified.id, integrationId, ...parsed.value };
    const valid = validatePayload(WebhookReceivedPayload, payload);
    if (!valid.ok) return { outcome: 'invalid', problems: valid.errors };

    await this.purgeOccasionally();
    // Published first, remembered after: an id is only ever answered "duplicate" once its event is on the
    // topic. A repeat that slips in between (a crash before remembering, or two copies at once) is published
    // again with the same ce_id, derived from the partner's id, and consumers drop it (CONVENTIONS: dedupe
    // on ce_source + ce_id).
    if (await this.seen(integrationId, verified.id)) return { outcome: 'duplicate' };
    const eventId = uuidV5(`inbound-webhook\u001f${integrationId}\u001f${verified.id}`);
    // A publish that outlasts the timeout is answered 503; if it still succeeds, the id is remembered
    // then, so the partner's retry is answered "duplicate".
    const published = this.producer
      .publish(TOPICS.webhooksInbound.name, [
        {
          key: integrationId,
          event: createCloudEvent({
            id: eventId,
            source: SOURCE,
            type: WEBHOOK_RECEIVED_V1,
            integrationid: integrationId,
            correlationid: eventId,
            data: payload,
          }),
        },
      ])
      .then(
        async () => {
          await this.remember(integrationId, verified.id);
          return true;
        },
        (error: unknown) => {
          this.logger.warn({
            msg: 'inbound webhook not published',
            integrationId,
            error: safeErrorMessage(error),
          });
          return false;
        },
      );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.settings.INBOUND_WEBHOOK_PUBLISH_TIMEOUT_MS);
    });
    try {
      if (!(await Promise.race([published, timeout]))) return { outcome: 'not-stored' };
    } finally {
      clearTimeout(timer);
    }
    return { outcome: 'accepted', eventId };
  }

  private async assertIntegration(integrationId: string): Promise<void> {
    const exists = await this.dataSource.getRepository(Integration).exists({ where: { id: integrationId } });
    if (!exists) throw new NotFoundException(`no integration ${integrationId}`);
  }

  /** True if an event for this id of the integration is already on the topic. */
  private async seen(integrationId: string, webhookId: string): Promise<boolean> {
    return this.dataSource.getRepository(InboundWebhookId).exists({ where: { integrationId, webhookId } });
  }

  /**
   * Records a published id. The event is on the topic whatever happens here, so a failure only costs
   * dedupe for a repeat (published again with the same ce_id): logged, and the partner still gets its 202.
   */
  private async remember(integrationId: string, webhookId: string): Promise<void> {
    try {
      await this.dataSource
        .createQueryBuilder()
        .insert()
        .into(InboundWebhookId)
        .values({ integrationId, webhookId, receivedAt: new Date() })
        .orIgnore()
        .execute();
    } catch (error) {
      this.logger.warn({
        msg: 'inbound webhook published but its id not remembered',
        integrationId,
        error: safeErrorMessage(error),
      });
    }
  }

  /** Ids older than the dedupe window go; a replay that old fails the timestamp check anyway. */
  private async purgeOccasionally(): Promise<void> {
    if (Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = Date.now();
    await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(InboundWebhookId)
      .where('received_at < now() - make_interval(secs => :seconds)', {
        seconds: this.settings.INBOUND_WEBHOOK_DEDUPE_SECONDS,
      })
      .execute();
  }
}

/** The Standard Webhooks body `{type, timestamp, data}`; problems name the field, never a value. */
function parseBody(
  body: Buffer,
): { ok: true; value: Record<string, unknown> } | { ok: false; problems: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, problems: ['body: must be JSON'] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, problems: ['body: must be a JSON object {type, timestamp, data}'] };
  }
  // The same limits as every JSON body of the API (too deep to publish, NUL, lone surrogates).
  const problems = jsonProblems(parsed);
  if (problems.length > 0) return { ok: false, problems };
  const { type, timestamp, data } = parsed as Record<string, unknown>;
  return { ok: true, value: { type, timestamp, data } };
}

function secretView(row: InboundWebhookSecret): InboundSecretView {
  return { secretId: row.id, integrationId: row.integrationId, createdAt: row.createdAt.toISOString() };
}
