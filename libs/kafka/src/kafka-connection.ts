import type { Admin, Kafka } from 'kafkajs';
import type { ConsumerRuntime } from './consumer-runtime';
import type { EventProducer } from './event-producer';

const BROKER_PROBE_TIMEOUT_MS = 2_000;
const BROKER_PROBE_CACHE_MS = 1_000;

export interface KafkaStatus {
  broker: 'reachable' | 'unreachable';
  producer: 'connected' | 'disconnected';
  consumers: Record<string, string>;
  ready: boolean;
}

/**
 * A service's Kafka resources: one client, one producer, one admin connection (shared by
 * readiness probes, lag metrics and provisioning) and its consumer runtimes.
 */
export class KafkaConnection {
  private readonly consumers = new Set<() => ConsumerRuntime | undefined>();
  private adminConnected?: Promise<void>;
  private lastProbe?: { at: number; reachable: Promise<boolean> };

  constructor(
    readonly kafka: Kafka,
    readonly producer: EventProducer,
    readonly admin: Admin,
  ) {}

  /** Registers a consumer runtime (as a getter: transports create theirs when they listen). */
  addConsumer(consumer: () => ConsumerRuntime | undefined): void {
    this.consumers.add(consumer);
  }

  consumerRuntimes(): ConsumerRuntime[] {
    return [...this.consumers].map((get) => get()).filter((c): c is ConsumerRuntime => c !== undefined);
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    await this.connectAdmin();
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  /**
   * Ready = broker answers on the existing admin connection, producer connected, every consumer
   * running and not crashed (in its group, or waiting to be let in: `ConsumerRuntime.isReady`).
   * Each consumer's detail: `in-group`, `joining`, `restarting`, or its state.
   */
  async status(): Promise<KafkaStatus> {
    const reachable = await this.probeBroker();
    const consumers = Object.fromEntries(this.consumerRuntimes().map((c) => [c.groupId, c.membership]));
    const consumersReady = this.consumerRuntimes().every((c) => c.isReady);
    return {
      broker: reachable ? 'reachable' : 'unreachable',
      producer: this.producer.isConnected ? 'connected' : 'disconnected',
      consumers,
      ready: reachable && this.producer.isConnected && consumersReady,
    };
  }

  private connectAdmin(): Promise<void> {
    this.adminConnected ??= this.admin.connect().catch((error: unknown) => {
      this.adminConnected = undefined;
      throw error;
    });
    return this.adminConnected;
  }

  /** Probes are cached briefly so a burst of probes costs one broker round trip. */
  private probeBroker(): Promise<boolean> {
    const now = Date.now();
    if (this.lastProbe && now - this.lastProbe.at < BROKER_PROBE_CACHE_MS) return this.lastProbe.reachable;
    const reachable = withTimeout(
      this.connectAdmin().then(() => this.admin.describeCluster()),
      BROKER_PROBE_TIMEOUT_MS,
    ).then(
      (cluster) => cluster.brokers.length > 0,
      () => false,
    );
    this.lastProbe = { at: now, reachable };
    return reachable;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
