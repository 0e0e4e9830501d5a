const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Delayed-retry tiers, shortest first. A tier is a topic `<topic>.retry-<tier>` whose consumer holds each
 * record until it is due, so a wait never blocks a handler. A topic lists the tiers it needs in its
 * definition (`retryTiers`) and provisioning creates exactly those. Add a tier here; never rename one
 * (the name is part of a wire name).
 */
export const RETRY_TIERS = ['5s', '30s', '5m', '30m', '2h', '5h', '10h'] as const;
export type RetryTier = (typeof RETRY_TIERS)[number];

/** The delay each retry tier stands for. */
export const RETRY_TIER_DELAY_MS: Readonly<Record<RetryTier, number>> = Object.freeze({
  '5s': 5 * SECOND_MS,
  '30s': 30 * SECOND_MS,
  '5m': 5 * MINUTE_MS,
  '30m': 30 * MINUTE_MS,
  '2h': 2 * HOUR_MS,
  '5h': 5 * HOUR_MS,
  '10h': 10 * HOUR_MS,
});

/** `<topic>.retry-<tier>`. Never for ordered clinical streams: a retry topic reorders a key's records. */
export function retryTopicName(topic: string, tier: RetryTier): string {
  return `${topic}.retry-${tier}`;
}
