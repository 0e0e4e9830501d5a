import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Consumer, EachMessagePayload } from 'kafkajs';
import {
  decodeCloudEvent,
  INTEGRATION_CONFIG_V1,
  type IntegrationConfigPayload,
  TOPICS,
  validatePayload,
  IntegrationConfigPayload as IntegrationConfigClass,
} from '@meridian/contracts';
import { KafkaConnection, safeErrorMessage } from '@meridian/kafka';
import type { ServiceConfig } from './service-config';
import { SERVICE_CONFIG } from './tokens';

/** Version recorded for a deleted integration: above any real one, so no late record revives it. */
const DELETED = Number.MAX_SAFE_INTEGER;

export type IntegrationConfigListener = (
  integrationId: string,
  config: IntegrationConfigPayload | undefined,
) => void;

/**
 * Every integration's current configuration, in memory, from the compacted integration.config.v1.
 * Each instance reads the whole topic (a group of its own, never committed, from the beginning at
 * every start), so changes reach every replica without a restart. Records older than the version
 * held are ignored (the outbox may repeat itself); a tombstone deletes.
 */
@Injectable()
export class IntegrationConfigView implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('IntegrationConfigView');
  private readonly configs = new Map<string, IntegrationConfigPayload>();
  /** Highest version seen per integration, deletions included, so a late older record cannot resurrect it. */
  private readonly versions = new Map<string, number>();
  private readonly listeners = new Set<IntegrationConfigListener>();
  private consumer?: Consumer;
  private caughtUp = false;
  private markCaughtUp!: () => void;
  /** Resolves once everything on the topic at start-up has been read. */
  readonly loaded = new Promise<void>((resolve) => (this.markCaughtUp = resolve));

  constructor(
    private readonly connection: KafkaConnection,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  get isLoaded(): boolean {
    return this.caughtUp;
  }

  get(integrationId: string): IntegrationConfigPayload | undefined {
    return this.configs.get(integrationId);
  }

  /** True once a tombstone for the integration was read: it existed and is gone (not merely unknown yet). */
  isDeleted(integrationId: string): boolean {
    return this.versions.get(integrationId) === DELETED;
  }

  all(): IntegrationConfigPayload[] {
    return [...this.configs.values()];
  }

  /** Called after every change (config undefined: deleted). Returns a function that unsubscribes. */
  onChange(listener: IntegrationConfigListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async onModuleInit(): Promise<void> {
    const topic = TOPICS.integrationConfig.name;
    const ends = await this.connection.admin.fetchTopicOffsets(topic);
    const pending = new Map(
      ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]),
    );
    const check = (partition: number, offset: bigint): void => {
      const end = pending.get(partition);
      if (end !== undefined && offset + 1n >= end) pending.delete(partition);
      if (pending.size === 0 && !this.caughtUp) {
        this.caughtUp = true;
        this.markCaughtUp();
      }
    };
    this.consumer = this.connection.kafka.consumer({
      groupId: `meridian.${this.config.service}.config-view.${randomUUID()}`,
      allowAutoTopicCreation: false,
      sessionTimeout: this.config.kafka.sessionTimeoutMs,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async (payload: EachMessagePayload) => {
        this.apply(payload);
        check(payload.partition, BigInt(payload.message.offset));
      },
    });
    check(-1, 0n);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private apply({ message }: EachMessagePayload): void {
    const key = message.key?.toString();
    if (!key) return;
    const decoded = decodeCloudEvent(message.headers, message.value, { allowTombstone: true });
    if (!decoded.ok || decoded.event.type !== INTEGRATION_CONFIG_V1) {
      this.logger.warn({ msg: 'skipped an unreadable config record', offset: message.offset });
      return;
    }
    if (decoded.event.data === null) {
      this.versions.set(key, DELETED);
      if (this.configs.delete(key)) this.notify(key, undefined);
      return;
    }
    const validated = validatePayload(IntegrationConfigClass, decoded.event.data);
    if (!validated.ok) {
      this.logger.warn({
        msg: 'skipped an invalid config record',
        offset: message.offset,
        errors: validated.errors,
      });
      return;
    }
    const config = validated.value;
    if (config.version <= (this.versions.get(key) ?? 0)) return;
    this.versions.set(key, config.version);
    this.configs.set(key, config);
    this.notify(key, config);
  }

  private notify(integrationId: string, config: IntegrationConfigPayload | undefined): void {
    for (const listener of this.listeners) {
      try {
        listener(integrationId, config);
      } catch (error) {
        this.logger.error({ msg: 'config listener failed', integrationId, error: safeErrorMessage(error) });
      }
    }
  }
}
