/**
 * How a call to an external system is retried: an integration's `connection.retryPolicy`
 * (`maxAttempts`, `backoff`, `base`) maps onto this.
 */
export interface RetryPolicy {
  /** Total attempts, the first included (1 = no retry). */
  maxAttempts: number;
  backoff: 'linear' | 'exponential';
  /** The delay before the first retry, before jitter. */
  baseDelayMs: number;
  /** Exponential growth per retry; default 2. Ignored for `linear`. */
  multiplier?: number;
  /** No delay is longer than this, before jitter; default `DEFAULT_MAX_DELAY_MS`. */
  maxDelayMs?: number;
}

/**
 * 10 s: a Kafka handler that waits longer than this between two attempts should rather give the
 * record back to the consumer runtime (its own retries, then the DLQ) than hold its partition.
 */
export const DEFAULT_MAX_DELAY_MS = 10_000;

/** 3 attempts, waiting 100–200 ms, then 200–400 ms (after jitter). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  backoff: 'exponential',
  baseDelayMs: 200,
  multiplier: 2,
  maxDelayMs: DEFAULT_MAX_DELAY_MS,
};

/**
 * Delay before attempt `nextAttempt` (2 for the first retry): `base × n` (linear) or
 * `base × multiplier^(n-1)` (exponential) for the n-th retry, capped at `maxDelayMs`, then
 * "equal jitter" (half fixed, half random) so that many clients retrying do not line up.
 * The Kafka consumer runtime's handler retries use it too (`HANDLER_RETRY_POLICY`).
 */
export function backoffDelayMs(
  policy: RetryPolicy,
  nextAttempt: number,
  random: () => number = Math.random,
): number {
  const retry = Math.max(1, nextAttempt - 1);
  const raw =
    policy.backoff === 'linear'
      ? policy.baseDelayMs * retry
      : policy.baseDelayMs * (policy.multiplier ?? 2) ** (retry - 1);
  const capped = Math.min(policy.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, raw);
  return Math.round(capped / 2 + random() * (capped / 2));
}

/** Throws a `TypeError` naming every bad field: a policy comes from an integration's configuration. */
export function assertRetryPolicy(policy: RetryPolicy): void {
  const problems: string[] = [];
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    problems.push('maxAttempts must be an integer ≥ 1');
  }
  if (policy.backoff !== 'linear' && policy.backoff !== 'exponential') {
    problems.push('backoff must be linear or exponential');
  }
  if (!Number.isFinite(policy.baseDelayMs) || policy.baseDelayMs < 0) {
    problems.push('baseDelayMs must be a number ≥ 0');
  }
  if (policy.multiplier !== undefined && (!Number.isFinite(policy.multiplier) || policy.multiplier < 1)) {
    problems.push('multiplier must be a number ≥ 1');
  }
  if (policy.maxDelayMs !== undefined && (!Number.isFinite(policy.maxDelayMs) || policy.maxDelayMs < 0)) {
    problems.push('maxDelayMs must be a number ≥ 0');
  }
  if (problems.length > 0) throw new TypeError(`invalid retry policy: ${problems.join('; ')}`);
}
