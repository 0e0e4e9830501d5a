import { Counter, Histogram, type Registry } from 'prom-client';

/** The runtime's metrics; label values come from small fixed sets only (never ids or error text). */
export interface KafkaMetrics {
  consumed: Counter<'topic' | 'consumer_group' | 'outcome'>;
  processingDuration: Histogram<'topic' | 'consumer_group'>;
  deadLettered: Counter<'topic' | 'consumer_group' | 'stage' | 'error_class'>;
  produced: Counter<'topic' | 'outcome'>;
}

const cache = new WeakMap<Registry, KafkaMetrics>();

/** One set of metrics per registry, however many runtimes a process starts. */
export function kafkaMetrics(registry: Registry): KafkaMetrics {
  const existing = cache.get(registry);
  if (existing) return existing;
  const metrics: KafkaMetrics = {
    consumed: new Counter({
      name: 'meridian_messages_consumed_total',
      help: 'Records taken from Kafka, by final outcome (success, dead_lettered, skipped: a redrive meant for another group).',
      labelNames: ['topic', 'consumer_group', 'outcome'],
      registers: [registry],
    }),
    processingDuration: new Histogram({
      name: 'meridian_message_processing_duration_seconds',
      help: 'Time from taking a record to its final outcome, retries included.',
      labelNames: ['topic', 'consumer_group'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'meridian_dlq_records_total',
      help: 'Records written to a dead letter topic, by stage and error class.',
      labelNames: ['topic', 'consumer_group', 'stage', 'error_class'],
      registers: [registry],
    }),
    produced: new Counter({
      name: 'meridian_messages_produced_total',
      help: 'Records sent to Kafka, by outcome (success, failure).',
      labelNames: ['topic', 'outcome'],
      registers: [registry],
    }),
  };
  cache.set(registry, metrics);
  return metrics;
}
