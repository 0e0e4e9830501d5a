import type { RetryTier } from './retry-tiers';

export type CleanupPolicy = 'delete' | 'compact';

export interface TopicDefinition {
  /** Frozen once created: a breaking change is a new `.v<n+1>` topic beside this one. */
  name: string;
  description: string;
  partitions: number;
  cleanupPolicy: CleanupPolicy;
  /** -1 = forever. */
  retentionMs: number;
  /** What the record key is; records with one key stay on one partition, in order. */
  key: string;
  /** The `ce_type`s carried. */
  eventTypes: string[];
  /** Service names. */
  producers: string[];
  /** Service names, each its own consumer group. */
  consumers: string[];
  /** Consumed topics have a dead letter topic `<name>.dlq`. */
  dlq: boolean;
  /** Upstream systems may publish here directly. */
  external?: boolean;
  /** Set on generated DLQ definitions: the topic whose dead letters this holds. */
  deadLetterOf?: string;
  /**
   * Delayed-retry tiers: provisioning creates `<name>.retry-<tier>` for each, in schedule order. Only for
   * topics whose consumer can take records out of order (a retry topic reorders a key's records).
   */
  retryTiers?: readonly RetryTier[];
  /** Set on generated retry-tier definitions: the topic whose records this one delays. */
  retryOf?: string;
}
