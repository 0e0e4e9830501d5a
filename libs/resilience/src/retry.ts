import { classifyError } from './errors';
import { assertRetryPolicy, backoffDelayMs, type RetryPolicy } from './backoff';

/** What `onRetry` hears before each wait. */
export interface RetryEvent {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  error: unknown;
  /** How long it waits before the next attempt: the backoff, or longer if the error carried a hint. */
  delayMs: number;
  /** Whether `delayMs` comes from the error's hint (`Retry-After`) rather than the backoff. */
  retryAfter: boolean;
}

export interface RetryOptions {
  /**
   * Whether an error is worth another attempt. Default: `classifyError(error) === 'transient'`
   * (`./errors`): permanent errors (bad input, 4xx) never are.
   */
  isRetryable?: (error: unknown, attempt: number) => boolean;
  /**
   * The wait an error asks for (a parsed `Retry-After`), in ms. Default: the error's own
   * numeric `retryAfterMs` property, if it has one.
   */
  retryAfterMs?: (error: unknown) => number | undefined;
  /**
   * The longest hint honoured; default 30 s. A longer one ends the retries with that error:
   * calling earlier than the server asked would only be refused again, and waiting that long
   * in-process holds a Kafka partition.
   */
  maxRetryAfterMs?: number;
  /**
   * Called before each wait; awaited. A Kafka handler heartbeats here (`context.heartbeat()`),
   * an adapter logs or counts. If it throws, retrying stops with that error.
   */
  onRetry?: (event: RetryEvent) => void | Promise<void>;
  /** Aborting stops the waiting at once and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** For tests: the jitter source (default `Math.random`) and the wait itself. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;

const ownRetryAfter = (error: unknown): number | undefined => {
  const hint = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof hint === 'number' && Number.isFinite(hint) && hint >= 0 ? hint : undefined;
};

/**
 * Runs `fn` until it resolves, at most `policy.maxAttempts` times. A failure is retried only if
 * `isRetryable` says so and attempts are left; the last error is rethrown unchanged, so callers
 * and the Kafka runtime classify it as usual. The wait between attempts is the policy's backoff
 * with jitter, or the error's `Retry-After` hint if that is longer (never earlier than a server
 * asked).
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  options: RetryOptions = {},
): Promise<T> {
  assertRetryPolicy(policy);
  const isRetryable = options.isRetryable ?? ((error: unknown) => classifyError(error) === 'transient');
  const hintOf = options.retryAfterMs ?? ownRetryAfter;
  const maxHint = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const sleep = options.sleep ?? abortableSleep;
  const { signal } = options;

  for (let attempt = 1; ; attempt += 1) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= policy.maxAttempts || signal?.aborted || !isRetryable(error, attempt)) throw error;
      const backoff = backoffDelayMs(policy, attempt + 1, options.random);
      const hint = hintOf(error);
      if (hint !== undefined && hint > maxHint) throw error;
      const retryAfter = hint !== undefined && hint > backoff;
      const delayMs = retryAfter ? hint : backoff;
      await options.onRetry?.({ attempt, error, delayMs, retryAfter });
      await sleep(delayMs, signal);
    }
  }
}

/** `setTimeout` as a promise that rejects with the signal's reason when it is aborted. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
