import { Counter, Histogram, type Registry } from 'prom-client';
import type { WebhookDeliveryOutcome } from '@meridian/contracts';

export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'none'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** The dispatcher's metrics; labels only from fixed sets (outcome, status_class), never ids or URLs. */
export interface WebhookMetrics {
  attempts: Counter<'outcome' | 'status_class'>;
  duration: Histogram<'status_class'>;
  fannedOut: Counter<never>;
}

const cache = new WeakMap<Registry, WebhookMetrics>();

export function webhookMetrics(registry: Registry): WebhookMetrics {
  const existing = cache.get(registry);
  if (existing) return existing;
  const metrics: WebhookMetrics = {
    attempts: new Counter({
      name: 'meridian_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome (delivered, failed, exhausted, disabled) and HTTP status class (none: no answer).',
      labelNames: ['outcome', 'status_class'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'meridian_webhook_attempt_duration_seconds',
      help: 'Duration of a webhook delivery attempt, DNS to the end of the answer, by HTTP status class.',
      labelNames: ['status_class'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers: [registry],
    }),
    fannedOut: new Counter({
      name: 'meridian_webhook_messages_total',
      help: 'Messages created by fanning events out to subscribed endpoints (one per event and endpoint).',
      registers: [registry],
    }),
  };
  cache.set(registry, metrics);
  return metrics;
}

export function statusClass(statusCode: number | undefined): StatusClass {
  if (statusCode === undefined) return 'none';
  const family = Math.floor(statusCode / 100);
  return family >= 2 && family <= 5 ? (`${family}xx` as StatusClass) : 'none';
}

export const recordAttempt = (
  metrics: WebhookMetrics,
  outcome: WebhookDeliveryOutcome,
  statusCode: number | undefined,
  durationMs: number,
): void => {
  const status_class = statusClass(statusCode);
  metrics.attempts.inc({ outcome, status_class });
  metrics.duration.observe({ status_class }, durationMs / 1000);
};
