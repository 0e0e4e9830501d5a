import type { Admin } from 'kafkajs';
import { Gauge, type Registry } from 'prom-client';

export interface LagSource {
  groupId: string;
  topics: string[];
}

/**
 * `meridian_consumer_lag`: per partition, the log end offset minus the group's committed offset,
 * read from the broker at scrape time through the process's one admin connection.
 */
export function registerConsumerLag(registry: Registry, admin: Admin, sources: () => LagSource[]): Gauge {
  return new Gauge({
    name: 'meridian_consumer_lag',
    help: 'Records not yet committed by the consumer group, per partition, read from the broker.',
    labelNames: ['topic', 'partition', 'consumer_group'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { groupId, topics } of sources()) {
        try {
          const committed = await admin.fetchOffsets({ groupId, topics });
          for (const { topic, partitions } of committed) {
            const ends = await admin.fetchTopicOffsets(topic);
            for (const end of ends) {
              const offset = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
              // -1: nothing committed yet, so everything up to the end is lag (from the low watermark).
              const from = offset === '-1' ? BigInt(end.low) : BigInt(offset);
              const lag = BigInt(end.high) - from;
              this.set(
                { topic, partition: String(end.partition), consumer_group: groupId },
                Number(lag > 0n ? lag : 0n),
              );
            }
          }
        } catch {
          // Broker unreachable: no lag sample this scrape; readiness reports the outage.
        }
      }
    },
  });
}
