import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  Inject,
  Injectable,
  NotFoundException,
  PreconditionFailedException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import {
  createCloudEvent,
  INTEGRATION_CONFIG_V1,
  type IntegrationConfigPayload,
  TOPICS,
} from '@meridian/contracts';
import { tryCompileMapping } from '@meridian/mapping';
import { SERVICE_SETTINGS } from '@meridian/platform';
import { createCipherSuite, parseEncryptionKeys, type CipherSuite } from '@meridian/security';
import type { GatewaySettings } from '../gateway.settings';
import { appendToOutbox, OutboxRelay } from '../outbox/outbox.relay';
import { CREDENTIAL_FIELDS, type IntegrationInput, type IntegrationView } from './integration.dto';
import { Integration } from './integration.entity';

const SOURCE = '/meridian/gateway';

export interface IntegrationFilter {
  facility?: string;
  systemType?: string;
  active?: boolean;
}

/**
 * Integration configurations: Postgres is the record, and every change goes out on
 * integration.config.v1 through the outbox in the same transaction (delete → tombstone).
 */
@Injectable()
export class IntegrationsService {
  private readonly cipher?: CipherSuite;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    @Inject(SERVICE_SETTINGS) settings: GatewaySettings,
  ) {
    if (settings.CREDENTIALS_KEYS) {
      const keys = parseEncryptionKeys(settings.CREDENTIALS_KEYS);
      this.cipher = createCipherSuite(keys, settings.CREDENTIALS_ACTIVE_KEY_ID ?? keys[0].id);
    }
  }

  async list(filter: IntegrationFilter, limit: number, offset: number): Promise<IntegrationView[]> {
    const where: FindOptionsWhere<Integration> = {};
    if (filter.facility !== undefined) where.facility = filter.facility;
    if (filter.systemType !== undefined) where.systemType = filter.systemType as Integration['systemType'];
    if (filter.active !== undefined) where.active = filter.active;
    const rows = await this.dataSource
      .getRepository(Integration)
      .find({ where, order: { createdAt: 'ASC' }, take: limit, skip: offset });
    return rows.map(toView);
  }

  async get(id: string): Promise<IntegrationView> {
    return toView(await this.find(this.dataSource.manager, id));
  }

  async create(input: IntegrationInput): Promise<IntegrationView> {
    const id = randomUUID();
    this.check(input, undefined);
    const now = new Date();
    const row: Integration = {
      ...this.fields(input),
      id,
      credentials: this.seal(id, input.credentials ?? undefined),
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.dataSource.transaction(async (manager) => {
      await manager.save(Integration, row);
      await this.announce(manager, row);
    });
    this.relay.kick();
    return toView(row);
  }

  /** Replaces the integration; `expectedVersion` (If-Match) guards against overwriting a change unseen. */
  async replace(id: string, input: IntegrationInput, expectedVersion?: number): Promise<IntegrationView> {
    const row = await this.dataSource.transaction(async (manager) => {
      const current = await this.find(manager, id, true);
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw new PreconditionFailedException(
          `integration is at version ${current.version}, not ${expectedVersion}; read it again`,
        );
      }
      this.check(input, current);
      const next: Integration = {
        ...current,
        ...this.fields(input),
        credentials:
          input.credentials === undefined
            ? current.credentials
            : this.seal(id, input.credentials ?? undefined),
        version: current.version + 1,
        updatedAt: new Date(),
      };
      await manager.save(Integration, next);
      await this.announce(manager, next);
      return next;
    });
    this.relay.kick();
    return toView(row);
  }

  async remove(id: string, expectedVersion?: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const current = await this.find(manager, id, true);
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw new PreconditionFailedException(
          `integration is at version ${current.version}, not ${expectedVersion}; read it again`,
        );
      }
      await manager.delete(Integration, { id });
      const event = this.configEvent({ ...current, version: current.version + 1, updatedAt: new Date() });
      await appendToOutbox(manager, TOPICS.integrationConfig.name, id, event, { tombstone: true });
    });
    this.relay.kick();
  }

  private async find(manager: EntityManager, id: string, lock = false): Promise<Integration> {
    const row = await manager.findOne(Integration, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!row) throw new NotFoundException(`no integration ${id}`);
    return row;
  }

  private fields(
    input: IntegrationInput,
  ): Omit<Integration, 'id' | 'credentials' | 'version' | 'createdAt' | 'updatedAt'> {
    return {
      facility: input.facility,
      systemType: input.systemType,
      systemName: input.systemName,
      vendor: input.vendor ?? null,
      systemVersion: input.systemVersion ?? null,
      connection: input.connection,
      dataMapping: input.dataMapping ?? null,
      synchronization: input.synchronization,
      monitoring: input.monitoring ?? null,
      hl7: input.hl7 ?? null,
      active: input.active ?? true,
    };
  }

  /** What class-validator cannot see: mappings compile, the time zone exists, the secrets fit the auth type. */
  private check(input: IntegrationInput, current: Integration | undefined): void {
    const problems: string[] = [];
    for (const direction of ['inbound', 'outbound'] as const) {
      const config = input.dataMapping?.[direction];
      if (config === undefined) continue;
      const compiled = tryCompileMapping(config);
      if (!compiled.ok) {
        problems.push(
          ...compiled.problems.map((p) => `dataMapping.${direction}.${p.location}: ${p.message}`),
        );
      }
    }
    const zone = input.synchronization.timeZone;
    if (zone !== undefined && !isTimeZone(zone))
      problems.push('synchronization.timeZone: unknown IANA time zone');
    const auth = input.connection.authentication.type;
    const expected = CREDENTIAL_FIELDS[auth];
    const given = input.credentials;
    if (given) {
      for (const [name, value] of Object.entries(given)) {
        if (!expected.includes(name))
          problems.push(`credentials.${name}: not a secret of ${auth} authentication`);
        else if (typeof value !== 'string' || value === '')
          problems.push(`credentials.${name}: must be a non-empty string`);
      }
    }
    // On PUT, omitted credentials keep the stored ones, which fit only if the auth type did not change.
    const keepsStored =
      given === undefined && current?.credentials != null && current.connection.authentication.type === auth;
    const missing = keepsStored ? [] : expected.filter((name) => !(given && name in given));
    if (missing.length > 0)
      problems.push(...missing.map((name) => `credentials.${name}: required for ${auth} authentication`));
    if (
      ['fhir', 'rest', 'webhook'].includes(input.connection.type) &&
      !isHttpUrl(input.connection.endpoint)
    ) {
      problems.push('connection.endpoint: must be an http(s) URL for this connection type');
    }
    if (problems.length > 0) throw new BadRequestException(problems);
  }

  private seal(id: string, credentials: Record<string, unknown> | undefined): string | null {
    if (credentials === undefined || Object.keys(credentials).length === 0) return null;
    if (!this.cipher) {
      throw new ServiceUnavailableException(
        'credential encryption is not configured on the gateway (CREDENTIALS_KEYS); secrets cannot be stored',
      );
    }
    return this.cipher.encrypt(credentials, credentialsAad(id));
  }

  private async announce(manager: EntityManager, row: Integration): Promise<void> {
    await appendToOutbox(manager, TOPICS.integrationConfig.name, row.id, this.configEvent(row));
  }

  private configEvent(row: Integration) {
    const payload: IntegrationConfigPayload = {
      integrationId: row.id,
      version: row.version,
      ...describe(row),
      ...(row.credentials === null ? {} : { credentials: row.credentials }),
      updatedAt: row.updatedAt.toISOString(),
    };
    return createCloudEvent({
      source: SOURCE,
      type: INTEGRATION_CONFIG_V1,
      integrationid: row.id,
      time: row.updatedAt.toISOString(),
      data: payload,
    });
  }
}

/** The AAD binding a credentials envelope to its integration: moved to another one, it will not open. */
export const credentialsAad = (integrationId: string): string => `integration:${integrationId}`;

function toView(row: Integration): IntegrationView {
  return {
    id: row.id,
    version: row.version,
    ...describe(row),
    credentialsSet: row.credentials !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The integration's own fields, as the config event and the API both show them (absent, not null). */
function describe(
  row: Integration,
): Omit<IntegrationView, 'id' | 'version' | 'credentialsSet' | 'createdAt' | 'updatedAt'> {
  return {
    facility: row.facility,
    systemType: row.systemType,
    systemName: row.systemName,
    ...(row.vendor === null ? {} : { vendor: row.vendor }),
    ...(row.systemVersion === null ? {} : { systemVersion: row.systemVersion }),
    connection: row.connection,
    ...(row.dataMapping === null ? {} : { dataMapping: row.dataMapping }),
    synchronization: row.synchronization,
    ...(row.monitoring === null ? {} : { monitoring: row.monitoring }),
    ...(row.hl7 === null ? {} : { hl7: row.hl7 }),
    active: row.active,
  };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
