import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger, type OnApplicationShutdown, type OnModuleInit, type Type } from '@nestjs/common';
import type { Consumer, EachMessagePayload } from 'kafkajs';
import { decodeCloudEvent, validatePayload } from '@meridian/contracts';
import { KafkaConnection, safeErrorMessage } from '@meridian/kafka';
import type { ServiceConfig } from './service-config';

/** Version recorded for a deleted entry: above any real one, so no late record revives it. */
const DELETED = Number.MAX_SAFE_INTEGER;

export type CompactedTopicListener<T> = (key: string, value: T | undefined) => void;

/** What readiness needs of a view (ServiceDefinition.views). */
export interface ReadinessView {
  readonly topic: string;
  readonly isLoaded: boolean;
  /** Resolves once everything on the topic at start-up has been read. */
  readonly loaded: Promise<void>;
  all(): readonly unknown[];
}

/** What a view reads: one compacted topic of one event type whose payloads carry a version. */
export interface CompactedTopicViewOptions<T extends object> {
  topic: string;
  eventType: string;
  payload: Type<T>;
  /** The entry's version; a record whose version is not above the one held is ignored. */
  version(value: T): number;
  /** For logs and the consumer group's name, e.g. `config-view`. */
  name: string;
}

/**
 * The current value of every key of a compacted topic, in memory. Each instance reads the whole
 * topic (a group of its own, never committed, from the beginning at every start), so changes reach
 * every replica without a restart. Records older than the version held are ignored (an outbox may
 * repeat itself); a tombstone deletes. Services subclass it per topic (IntegrationConfigView, the
 * dispatcher's webhook endpoints) so Nest can inject each view by its class.
 */
export abstract class CompactedTopicView<T extends object>
  implements OnModuleInit, OnApplicationShutdown, ReadinessView
{
  protected readonly logger: Logger;
  private readonly values = new Map<string, T>();
  /** Highest version seen per key, deletions included, so a late older record cannot resurrect it. */
  private readonly versions = new Map<string, number>();
  private readonly listeners = new Set<CompactedTopicListener<T>>();
  private consumer?: Consumer;
  private caughtUp = false;
  private markCaughtUp!: () => void;
  /** Resolves once everything on the topic at start-up has been read. */
  readonly loaded = new Promise<void>((resolve) => (this.markCaughtUp = resolve));

  protected constructor(
    private readonly connection: KafkaConnection,
    private readonly config: ServiceConfig,
    private readonly options: CompactedTopicViewOptions<T>,
  ) {
    this.logger = new Logger(this.constructor.name);
  }

  get isLoaded(): boolean {
    return this.caughtUp;
  }

  get topic(): string {
    return this.options.topic;
  }

  get(key: string): T | undefined {
    return this.values.get(key);
  }

  /** True once a tombstone for the key was read: it existed and is gone (not merely unknown yet). */
  isDeleted(key: string): boolean {
    return this.versions.get(key) === DELETED;
  }

  all(): T[] {
    return [...this.values.values()];
  }

  /** Called after every change (value undefined: deleted). Returns a function that unsubscribes. */
  onChange(listener: CompactedTopicListener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async onModuleInit(): Promise<void> {
    const { topic } = this.options;
    const ends = await this.topicEnds(topic);
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
      groupId: `meridian.${this.config.service}.${this.options.name}.${randomUUID()}`,
      allowAutoTopicCreation: false,
      sessionTimeout: this.config.kafka.sessionTimeoutMs,
      // Idle, kafkajs heartbeats only between fetches: short fetches keep a short session alive.
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 1_000,
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

  /**
   * The topic's offsets. A topic provisioned a moment ago may have no partition leader yet (a
   * retriable error): asked again for up to ~10 s rather than failing the service's start.
   */
  private async topicEnds(topic: string): Promise<{ partition: number; high: string; low: string }[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.connection.admin.fetchTopicOffsets(topic);
      } catch (error) {
        const retriable = (error as { retriable?: unknown }).retriable === true;
        if (!retriable || attempt >= 20) throw error;
        await sleep(500);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private apply({ message }: EachMessagePayload): void {
    const key = message.key?.toString();
    if (!key) return;
    const decoded = decodeCloudEvent(message.headers, message.value, { allowTombstone: true });
    if (!decoded.ok || decoded.event.type !== this.options.eventType) {
      this.logger.warn({ msg: `skipped an unreadable ${this.options.topic} record`, offset: message.offset });
      return;
    }
    if (decoded.event.data === null) {
      this.versions.set(key, DELETED);
      if (this.values.delete(key)) this.notify(key, undefined);
      return;
    }
    const validated = validatePayload(this.options.payload, decoded.event.data);
    if (!validated.ok) {
      this.logger.warn({
        msg: `skipped an invalid ${this.options.topic} record`,
        offset: message.offset,
        errors: validated.errors,
      });
      return;
    }
    const value = validated.value;
    const version = this.options.version(value);
    if (version <= (this.versions.get(key) ?? 0)) return;
    this.versions.set(key, version);
    this.values.set(key, value);
    this.notify(key, value);
  }

  private notify(key: string, value: T | undefined): void {
    for (const listener of this.listeners) {
      try {
        listener(key, value);
      } catch (error) {
        this.logger.error({ msg: 'view listener failed', key, error: safeErrorMessage(error) });
      }
    }
  }
}
