/** Bounded in-process retry for transient handler failures. */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
}

/** 4 attempts, waiting ~100 ms, ~500 ms and ~2 s between them (CONVENTIONS.md). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  initialDelayMs: 100,
  multiplier: 5,
  maxDelayMs: 2_000,
};

/**
 * Delay before attempt `nextAttempt` (2 for the first retry). "Equal jitter": half the
 * exponential delay is fixed, half random, so retries of many consumers do not line up.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  nextAttempt: number,
  random: () => number = Math.random,
): number {
  const exponential = policy.initialDelayMs * policy.multiplier ** Math.max(0, nextAttempt - 2);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped / 2 + random() * (capped / 2));
}
