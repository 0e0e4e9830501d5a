import type { Admin, Kafka } from 'kafkajs';
import { safeErrorMessage } from '@meridian/resilience';
import type { ConsumerRuntime } from './consumer-runtime';
import type { EventProducer } from './event-producer';
import { explainClientError } from './kafka-client';
import { KafkaConnectError } from './kafka-security';

const BROKER_PROBE_TIMEOUT_MS = 2_000;
const BROKER_PROBE_CACHE_MS = 1_000;

export interface KafkaStatus {
  broker: 'reachable' | 'unreachable';
  producer: 'connected' | 'disconnected';
  consumers: Record<string, string>;
  ready: boolean;
  /** Why the broker is unreachable, e.g. `Kafka authentication failed for user "svc" via PLAIN ...`. */
  error?: string;
}

/**
 * A service's Kafka resources: one client, one producer, one admin connection (shared by
 * readiness probes, lag metrics and provisioning) and its consumer runtimes.
 */
export class KafkaConnection {
  private readonly consumers = new Set<() => ConsumerRuntime | undefined>();
  private adminConnected?: Promise<void>;
  private lastProbe?: { at: number; result: Promise<{ reachable: boolean; error?: string }> };

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

  /** Connects the producer and the admin; a failure the security settings explain says so (KafkaConnectError). */
  async connect(): Promise<void> {
    try {
      await this.producer.connect();
      await this.connectAdmin();
    } catch (error) {
      throw explainClientError(this.kafka, error);
    }
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
    const { reachable, error } = await this.probeBroker();
    const consumers = Object.fromEntries(this.consumerRuntimes().map((c) => [c.groupId, c.membership]));
    const consumersReady = this.consumerRuntimes().every((c) => c.isReady);
    return {
      broker: reachable ? 'reachable' : 'unreachable',
      producer: this.producer.isConnected ? 'connected' : 'disconnected',
      consumers,
      ready: reachable && this.producer.isConnected && consumersReady,
      ...(error ? { error } : {}),
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
  private probeBroker(): Promise<{ reachable: boolean; error?: string }> {
    const now = Date.now();
    if (this.lastProbe && now - this.lastProbe.at < BROKER_PROBE_CACHE_MS) return this.lastProbe.result;
    const result = withTimeout(
      this.connectAdmin().then(() => this.admin.describeCluster()),
      BROKER_PROBE_TIMEOUT_MS,
    ).then(
      (cluster) => ({ reachable: cluster.brokers.length > 0 }),
      (error: unknown) => {
        // Explained failures (credentials, TLS) in full; others by class and code only.
        const explained = explainClientError(this.kafka, error);
        const message = explained instanceof KafkaConnectError ? explained.message : safeErrorMessage(error);
        return { reachable: false, error: message };
      },
    );
    this.lastProbe = { at: now, result };
    return result;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
