import type { TopicDefinition } from '@meridian/contracts';
import type { Admin } from 'kafkajs';

export interface ProvisionReport {
  created: string[];
  unchanged: string[];
  /** Existing topics whose partition count differs from the registry: reported, never changed,
   * because adding partitions moves keys and breaks per-key order. */
  partitionMismatches: { topic: string; expected: number; actual: number }[];
}

/** Creates every registry topic that is missing, with its partitions and configs. Idempotent. */
export async function provisionTopics(
  admin: Admin,
  definitions: TopicDefinition[],
  options: { replicationFactor?: number } = {},
): Promise<ProvisionReport> {
  const existing = new Set(await admin.listTopics());
  const missing = definitions.filter((definition) => !existing.has(definition.name));
  const replicationFactor = options.replicationFactor ?? 1;
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((definition) => ({
        topic: definition.name,
        numPartitions: definition.partitions,
        replicationFactor,
        configEntries: [
          { name: 'cleanup.policy', value: definition.cleanupPolicy },
          { name: 'retention.ms', value: String(definition.retentionMs) },
          // acks=all means "every in-sync replica"; with at least two required, an acknowledged
          // record survives the loss of a broker (where the cluster has two or more).
          { name: 'min.insync.replicas', value: String(Math.min(2, replicationFactor)) },
        ],
      })),
    });
    await waitForTopics(
      admin,
      missing.map((definition) => definition.name),
    );
  }
  const present = definitions.filter((definition) => existing.has(definition.name));
  const metadata =
    present.length > 0
      ? await admin.fetchTopicMetadata({ topics: present.map((d) => d.name) })
      : { topics: [] };
  const partitionMismatches = present.flatMap((definition) => {
    const actual = metadata.topics.find((topic) => topic.name === definition.name)?.partitions.length ?? 0;
    return actual === definition.partitions
      ? []
      : [{ topic: definition.name, expected: definition.partitions, actual }];
  });
  return {
    created: missing.map((definition) => definition.name),
    unchanged: present.map((definition) => definition.name),
    partitionMismatches,
  };
}

/**
 * Waits until every partition of the topics has a leader. A topic created a moment ago may not
 * be in the broker's metadata yet (KRaft propagates it asynchronously): kafkajs's own
 * `waitForLeaders` gives up on that with UNKNOWN_TOPIC_OR_PARTITION, so this retries it.
 */
export async function waitForTopics(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      if (found.every((topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0)))
        return;
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`topics have no leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
