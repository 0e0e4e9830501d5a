import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  Inject,
  Injectable,
  NotFoundException,
  PreconditionFailedException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import {
  createCloudEvent,
  TOPICS,
  WEBHOOK_ENDPOINT_V1,
  webhookSecretAad,
  type WebhookDisabledReason,
  type WebhookEndpointPayload,
} from '@meridian/contracts';
import { SERVICE_SETTINGS } from '@meridian/platform';
import { checkUrl, generateWebhookSecret, parseAllowList, type AllowList } from '@meridian/security';
import type { GatewaySettings } from '../gateway.settings';
import { appendToOutbox, OutboxRelay } from '../outbox/outbox.relay';
import { WebhookCipher } from './webhook-cipher';
import type {
  WebhookEndpointInput,
  WebhookEndpointPatch,
  WebhookEndpointView,
  WebhookEndpointWithSecret,
} from './webhook-endpoint.dto';
import { WebhookEndpoint, type StoredWebhookSecret } from './webhook-endpoint.entity';

const SOURCE = '/meridian/gateway';
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 86_400;

export interface EndpointFilter {
  active?: boolean;
}

/**
 * Partner webhook endpoints: Postgres is the record, and every change goes out on webhook.endpoints.v1
 * through the outbox in the same transaction (delete → tombstone), so the dispatcher's view can never
 * miss a change or see one that was rolled back. Secrets are generated here, shown once, stored and
 * published sealed.
 */
@Injectable()
export class WebhookEndpointsService {
  private readonly allowList: AllowList;
  private readonly allowHttp: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    private readonly cipher: WebhookCipher,
    @Inject(SERVICE_SETTINGS) settings: GatewaySettings,
  ) {
    this.allowList = parseAllowList(settings.OUTBOUND_ALLOW_LIST);
    this.allowHttp = settings.OUTBOUND_ALLOW_HTTP;
  }

  async list(filter: EndpointFilter, limit: number, offset: number): Promise<WebhookEndpointView[]> {
    const where: FindOptionsWhere<WebhookEndpoint> = {};
    if (filter.active !== undefined) where.active = filter.active;
    const rows = await this.dataSource
      .getRepository(WebhookEndpoint)
      .find({ where, order: { createdAt: 'ASC' }, take: limit, skip: offset });
    return rows.map(toView);
  }

  async get(id: string): Promise<WebhookEndpointView> {
    return toView(await this.find(this.dataSource.manager, id));
  }

  /** Throws 404 unless the endpoint exists. */
  async assertExists(id: string): Promise<void> {
    await this.find(this.dataSource.manager, id);
  }

  async create(input: WebhookEndpointInput): Promise<WebhookEndpointWithSecret> {
    await this.checkUrl(input.url);
    const id = randomUUID();
    const now = new Date();
    const secret = generateWebhookSecret();
    const row: WebhookEndpoint = {
      id,
      url: input.url,
      eventTypes: input.eventTypes,
      description: input.description ?? null,
      active: input.active ?? true,
      disabledReason: input.active === false ? 'manual' : null,
      rateLimitPerSecond: input.rateLimitPerSecond ?? null,
      secrets: [this.newSecret(id, secret, now)],
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(WebhookEndpoint, row);
      await this.announce(manager, row);
    });
    this.relay.kick();
    return { ...toView(row), secret };
  }

  /** PUT: every field as given (omitted optional fields are cleared; `active` defaults to true). */
  replace(id: string, input: WebhookEndpointInput, expectedVersion?: number): Promise<WebhookEndpointView> {
    return this.change(id, expectedVersion, input.url, (current) => ({
      url: input.url,
      eventTypes: input.eventTypes,
      description: input.description ?? null,
      rateLimitPerSecond: input.rateLimitPerSecond ?? null,
      ...activation(current, input.active ?? true),
    }));
  }

  /** PATCH: only the fields given. */
  patch(id: string, input: WebhookEndpointPatch, expectedVersion?: number): Promise<WebhookEndpointView> {
    return this.change(id, expectedVersion, input.url, (current) => ({
      ...(input.url === undefined ? {} : { url: input.url }),
      ...(input.eventTypes === undefined ? {} : { eventTypes: input.eventTypes }),
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.rateLimitPerSecond === undefined ? {} : { rateLimitPerSecond: input.rateLimitPerSecond }),
      ...(input.active === undefined ? {} : activation(current, input.active)),
    }));
  }

  async remove(id: string, expectedVersion?: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const current = await this.find(manager, id, true);
      assertVersion(current, expectedVersion);
      await manager.delete(WebhookEndpoint, { id });
      const gone = { ...current, version: current.version + 1, updatedAt: new Date() };
      await appendToOutbox(manager, TOPICS.webhookEndpoints.name, id, this.endpointEvent(gone), {
        tombstone: true,
      });
    });
    this.relay.kick();
  }

  /**
   * A new secret, signing from now on; the current ones keep signing for `overlapSeconds` (then they
   * are dropped from the next version published), so the partner can switch without missing a webhook.
   */
  async rotate(
    id: string,
    overlapSeconds = DEFAULT_ROTATION_OVERLAP_SECONDS,
  ): Promise<WebhookEndpointWithSecret> {
    const secret = generateWebhookSecret();
    const row = await this.dataSource.transaction(async (manager) => {
      const current = await this.find(manager, id, true);
      const now = new Date();
      const until = new Date(now.getTime() + overlapSeconds * 1000);
      const previous =
        overlapSeconds === 0
          ? []
          : liveSecrets(current.secrets, now).map((old) => ({
              ...old,
              expiresAt:
                old.expiresAt !== undefined && new Date(old.expiresAt) < until
                  ? old.expiresAt
                  : until.toISOString(),
            }));
      const next: WebhookEndpoint = {
        ...current,
        secrets: [this.newSecret(id, secret, now), ...previous],
        version: current.version + 1,
        updatedAt: now,
      };
      await manager.save(WebhookEndpoint, next);
      await this.announce(manager, next);
      return next;
    });
    this.relay.kick();
    return { ...toView(row), secret };
  }

  /**
   * The dispatcher disabled the endpoint (410, or failing for 5 days): record it and publish the new
   * version. Idempotent: an endpoint already inactive, deleted, or changed since the verdict (an
   * operator re-enabled it) is left alone. Returns whether it changed.
   */
  async disableFromDelivery(id: string, reason: WebhookDisabledReason, at: Date): Promise<boolean> {
    const changed = await this.dataSource.transaction(async (manager) => {
      const current = await manager.findOne(WebhookEndpoint, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!current || !current.active || current.updatedAt > at) return false;
      const next: WebhookEndpoint = {
        ...current,
        active: false,
        disabledReason: reason,
        secrets: liveSecrets(current.secrets, new Date()),
        version: current.version + 1,
        updatedAt: new Date(),
      };
      await manager.save(WebhookEndpoint, next);
      await this.announce(manager, next);
      return true;
    });
    if (changed) this.relay.kick();
    return changed;
  }

  private async change(
    id: string,
    expectedVersion: number | undefined,
    url: string | undefined,
    fields: (current: WebhookEndpoint) => Partial<WebhookEndpoint>,
  ): Promise<WebhookEndpointView> {
    if (url !== undefined) await this.checkUrl(url);
    const row = await this.dataSource.transaction(async (manager) => {
      const current = await this.find(manager, id, true);
      assertVersion(current, expectedVersion);
      const now = new Date();
      const next: WebhookEndpoint = {
        ...current,
        ...fields(current),
        secrets: liveSecrets(current.secrets, now),
        version: current.version + 1,
        updatedAt: now,
      };
      await manager.save(WebhookEndpoint, next);
      await this.announce(manager, next);
      return next;
    });
    this.relay.kick();
    return toView(row);
  }

  /** The SSRF rules at registration; the dispatcher applies them again on every delivery. */
  private async checkUrl(url: string): Promise<void> {
    const checked = await checkUrl(url, { allowList: this.allowList, allowHttp: this.allowHttp });
    if (checked.ok) return;
    const explanation: Record<string, string> = {
      'invalid-url': 'is not a valid URL',
      'scheme-not-allowed': 'must use https',
      'credentials-in-url': 'must not contain a user name or password',
      'dns-failure': 'has a host name that does not resolve',
      'blocked-address': `resolves to a ${checked.category ?? 'non-public'} address, which webhooks may not reach`,
    };
    throw new BadRequestException([`url: ${explanation[checked.reason] ?? `refused (${checked.reason})`}`]);
  }

  private newSecret(endpointId: string, secret: string, now: Date): StoredWebhookSecret {
    return {
      secretId: randomUUID(),
      sealed: this.cipher.seal(secret, webhookSecretAad(endpointId)),
      createdAt: now.toISOString(),
    };
  }

  private async find(manager: EntityManager, id: string, lock = false): Promise<WebhookEndpoint> {
    const row = await manager.findOne(WebhookEndpoint, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!row) throw new NotFoundException(`no webhook endpoint ${id}`);
    return row;
  }

  private async announce(manager: EntityManager, row: WebhookEndpoint): Promise<void> {
    await appendToOutbox(manager, TOPICS.webhookEndpoints.name, row.id, this.endpointEvent(row));
  }

  private endpointEvent(row: WebhookEndpoint) {
    const payload: WebhookEndpointPayload = {
      endpointId: row.id,
      version: row.version,
      url: row.url,
      eventTypes: row.eventTypes,
      ...(row.description === null ? {} : { description: row.description }),
      active: row.active,
      ...(row.disabledReason === null ? {} : { disabledReason: row.disabledReason }),
      ...(row.rateLimitPerSecond === null ? {} : { rateLimitPerSecond: row.rateLimitPerSecond }),
      secrets: row.secrets,
      updatedAt: row.updatedAt.toISOString(),
    };
    return createCloudEvent({
      source: SOURCE,
      type: WEBHOOK_ENDPOINT_V1,
      time: row.updatedAt.toISOString(),
      data: payload,
    });
  }
}

/** Secrets still signing at `now`: an expired one is dropped from the row and the next version published. */
function liveSecrets(secrets: StoredWebhookSecret[], now: Date): StoredWebhookSecret[] {
  return secrets.filter((secret) => secret.expiresAt === undefined || new Date(secret.expiresAt) > now);
}

/** Turning an endpoint off by hand says `manual`; turning it on clears any reason. */
function activation(
  current: WebhookEndpoint,
  active: boolean,
): Pick<WebhookEndpoint, 'active' | 'disabledReason'> {
  if (active) return { active: true, disabledReason: null };
  return { active: false, disabledReason: current.active ? 'manual' : (current.disabledReason ?? 'manual') };
}

function assertVersion(current: WebhookEndpoint, expected: number | undefined): void {
  if (expected !== undefined && expected !== current.version) {
    throw new PreconditionFailedException(
      `webhook endpoint is at version ${current.version}, not ${expected}; read it again`,
    );
  }
}

function toView(row: WebhookEndpoint): WebhookEndpointView {
  return {
    id: row.id,
    version: row.version,
    url: row.url,
    eventTypes: row.eventTypes,
    ...(row.description === null ? {} : { description: row.description }),
    active: row.active,
    ...(row.disabledReason === null ? {} : { disabledReason: row.disabledReason }),
    ...(row.rateLimitPerSecond === null ? {} : { rateLimitPerSecond: row.rateLimitPerSecond }),
    secrets: row.secrets.map(({ secretId, createdAt, expiresAt }) => ({
      secretId,
      createdAt,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    })),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
