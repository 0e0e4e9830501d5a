import { classifyError, RetryLaterError, TransientError } from './errors';
import CircuitBreaker from 'opossum';
import type { Registry } from 'prom-client';
import {
  circuitBreakerMetrics,
  type BreakerCallOutcome,
  type BreakerState,
  type BreakerStateSource,
  type CircuitBreakerMetrics,
} from './circuit-breaker-metrics';

/** Per-key thresholds: an integration's monitoring settings map onto these. */
export interface BreakerOptions {
  /** Opens when more than this share of the calls in the rolling window failed; default 50. */
  errorThresholdPercentage?: number;
  /** Calls in the window before the breaker may open at all; default 5. */
  volumeThreshold?: number;
  /** Time open before one trial call is let through (half-open); default 30 s. */
  resetTimeoutMs?: number;
  /**
   * Per call: the call's signal is aborted and it fails with `CallTimeoutError`, which counts
   * against the breaker. Default none (callers such as the FHIR client time out themselves).
   */
  timeoutMs?: number;
  /** The rolling window the error share is computed over; default 10 s in 10 buckets. */
  rollingCountTimeoutMs?: number;
  rollingCountBuckets?: number;
}

type ResolvedOptions = Required<Omit<BreakerOptions, 'timeoutMs'>> & Pick<BreakerOptions, 'timeoutMs'>;

export const DEFAULT_BREAKER_OPTIONS: Readonly<ResolvedOptions> = {
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  resetTimeoutMs: 30_000,
  rollingCountTimeoutMs: 10_000,
  rollingCountBuckets: 10,
};

export type StateChangeListener = (key: string, from: BreakerState, to: BreakerState) => void;

export interface CircuitBreakersOptions {
  /** For keys never `configure`d, and under every key's own options. */
  defaults?: BreakerOptions;
  /** Where the breaker metrics are registered (one set per registry). */
  metrics?: Registry;
  /**
   * Whether an error counts against the breaker. Default: transient errors do (timeouts, 5xx,
   * 429, lost connections); permanent ones (a 4xx the server answered deliberately) do not: the
   * server is up, the request was wrong. An error that does not count is, for the breaker, a
   * success (it closes a half-open breaker). Calls the caller aborted never count.
   */
  isFailure?: (error: unknown) => boolean;
  onStateChange?: StateChangeListener;
}

/** A call refused without being attempted: the key's breaker is open (or half-open with its trial call running). */
/**
 * The breaker refused the call. A `RetryLaterError`: a Kafka consumer holds the partition until the
 * breaker may half-open (`retryAfterMs`) instead of spending attempts or dead-lettering the record.
 */
export class CircuitOpenError extends RetryLaterError {
  override readonly name: string = 'CircuitOpenError';
  readonly code = 'EOPENBREAKER';

  constructor(
    readonly key: string,
    readonly state: Exclude<BreakerState, 'closed'>,
    retryAfterMs = DEFAULT_BREAKER_OPTIONS.resetTimeoutMs,
  ) {
    super(`circuit breaker ${key} is ${state}: call not attempted`, retryAfterMs);
  }
}

/** A call that took longer than its breaker's `timeoutMs`. */
export class CallTimeoutError extends TransientError {
  override readonly name: string = 'CallTimeoutError';
  readonly code = 'ETIMEDOUT';

  constructor(readonly timeoutMs: number) {
    super(`call timed out after ${timeoutMs} ms`);
  }
}

type Work = (signal: AbortSignal) => Promise<unknown>;
type Breaker = CircuitBreaker<[Work, AbortSignal | undefined], unknown>;

interface Entry {
  key: string;
  options: ResolvedOptions;
  breaker?: Breaker;
  state: BreakerState;
}

/**
 * One opossum circuit breaker per key (an integration id), created on first use. `configure`
 * changes a key's thresholds at any time (an integration's configuration changed): the breaker is
 * replaced by one with the new options that keeps the old one's state and rolling counts.
 */
export class CircuitBreakers implements BreakerStateSource {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<StateChangeListener>();
  private readonly defaults: ResolvedOptions;
  private readonly isFailure: (error: unknown) => boolean;
  private readonly metrics?: CircuitBreakerMetrics;

  constructor(options: CircuitBreakersOptions = {}) {
    this.defaults = resolveOptions(DEFAULT_BREAKER_OPTIONS, options.defaults ?? {});
    this.isFailure = options.isFailure ?? ((error) => classifyError(error) === 'transient');
    if (options.onStateChange) this.listeners.add(options.onStateChange);
    if (options.metrics) {
      this.metrics = circuitBreakerMetrics(options.metrics);
      this.metrics.sources.add(this);
    }
  }

  /** Sets a key's options (over the defaults). Throws a `TypeError` naming every bad value. */
  configure(key: string, options: BreakerOptions): void {
    const resolved = resolveOptions(this.defaults, options);
    const entry = this.entries.get(key);
    if (!entry) {
      this.entries.set(key, { key, options: resolved, state: 'closed' });
      return;
    }
    if (sameOptions(entry.options, resolved)) return;
    entry.options = resolved;
    const previous = entry.breaker;
    if (previous) {
      entry.breaker = this.createBreaker(entry, previous);
      previous.shutdown();
    }
  }

  /**
   * Runs `work` through `key`'s breaker. Rejects with `CircuitOpenError` (transient) without
   * calling it when the breaker is open; otherwise settles as `work` does (or with
   * `CallTimeoutError`). `work` gets a signal that aborts on timeout or when `signal` does.
   */
  async run<T>(
    key: string,
    work: (signal: AbortSignal) => Promise<T>,
    options: { signal?: AbortSignal } = {},
  ): Promise<T> {
    options.signal?.throwIfAborted();
    const entry = this.entryFor(key);
    entry.breaker ??= this.createBreaker(entry);
    try {
      const result = (await entry.breaker.fire(work, options.signal)) as T;
      this.count('success');
      return result;
    } catch (error) {
      if (
        CircuitBreaker.isOurError(error as Error) &&
        (error as { code?: unknown }).code === 'EOPENBREAKER'
      ) {
        this.count('rejected');
        throw new CircuitOpenError(
          key,
          entry.state === 'half_open' ? 'half_open' : 'open',
          entry.options.resetTimeoutMs,
        );
      }
      this.count(
        error instanceof CallTimeoutError
          ? 'timeout'
          : this.counts(error, options.signal)
            ? 'failure'
            : 'ignored',
      );
      throw error;
    }
  }

  /** The key's state; `undefined` for a key never configured nor used. */
  state(key: string): BreakerState | undefined {
    return this.entries.get(key)?.state;
  }

  /** Listens to every key's state changes; returns the function that stops listening. Listeners must not throw. */
  onStateChange(listener: StateChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stateCounts(): Record<BreakerState, number> {
    const counts: Record<BreakerState, number> = { closed: 0, open: 0, half_open: 0 };
    for (const entry of this.entries.values()) counts[entry.state] += 1;
    return counts;
  }

  /** Forgets a key (its integration was deleted): its breaker stops, its timers with it. */
  remove(key: string): void {
    this.entries.get(key)?.breaker?.shutdown();
    this.entries.delete(key);
  }

  /** Stops every breaker and leaves the metrics. */
  shutdown(): void {
    for (const key of [...this.entries.keys()]) this.remove(key);
    this.metrics?.sources.delete(this);
  }

  private entryFor(key: string): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { key, options: this.defaults, state: 'closed' };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private counts(error: unknown, callerSignal: AbortSignal | undefined): boolean {
    return !callerSignal?.aborted && this.isFailure(error);
  }

  private createBreaker(entry: Entry, previous?: Breaker): Breaker {
    const { options } = entry;
    const rolling = {
      rollingCountTimeout: options.rollingCountTimeoutMs,
      rollingCountBuckets: options.rollingCountBuckets,
      // Percentiles sort every latency in the window on each failure; nothing here reads them.
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    };
    const breakerOptions: CircuitBreaker.Options<[Work, AbortSignal | undefined]> & {
      state?: CircuitBreaker.State;
    } = {
      ...rolling,
      name: entry.key,
      // Timeouts are the registry's own (`invoke`), so that each call gets its own abort signal;
      // opossum's would abort one controller shared by every call.
      timeout: false,
      resetTimeout: options.resetTimeoutMs,
      errorThresholdPercentage: options.errorThresholdPercentage,
      volumeThreshold: options.volumeThreshold,
      errorFilter: (error: unknown, _work?: Work, callerSignal?: AbortSignal) =>
        !this.counts(error, callerSignal),
    };
    if (previous) {
      // The counts of the old window go into the new window's current bucket (so they age out one
      // window from now), and the state carries over: an open breaker stays open, its reset timer
      // restarting with the new resetTimeout.
      breakerOptions.status = CircuitBreaker.newStatus({
        ...rolling,
        stats: previous.stats,
      } as CircuitBreaker.StatusOptions);
      breakerOptions.state = previous.toJSON().state;
    }
    const breaker: Breaker = new CircuitBreaker(
      (work: Work, callerSignal: AbortSignal | undefined) => this.invoke(entry, work, callerSignal),
      breakerOptions,
    );
    const follow = (to: BreakerState) => () => {
      if (entry.breaker === breaker) this.transition(entry, to);
    };
    breaker.on('open', follow('open'));
    breaker.on('halfOpen', follow('half_open'));
    breaker.on('close', follow('closed'));
    entry.breaker = breaker;
    // A breaker that was open past the new resetTimeout starts half-open.
    this.transition(entry, stateOf(breaker));
    return breaker;
  }

  private invoke(entry: Entry, work: Work, callerSignal: AbortSignal | undefined): Promise<unknown> {
    const controller = new AbortController();
    const forward = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', forward, { once: true });
    let running: Promise<unknown>;
    try {
      // Called at once, not in a later tick, so that work sees an abort that follows the call.
      running = work(controller.signal);
    } catch (error) {
      running = Promise.reject(error);
    }
    const { timeoutMs } = entry.options;
    let timer: NodeJS.Timeout | undefined;
    const bounded =
      timeoutMs === undefined
        ? running
        : Promise.race([
            running,
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => {
                const error = new CallTimeoutError(timeoutMs);
                controller.abort(error);
                reject(error);
              }, timeoutMs);
            }),
          ]);
    return bounded.finally(() => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', forward);
    });
  }

  private transition(entry: Entry, to: BreakerState): void {
    const from = entry.state;
    if (from === to) return;
    entry.state = to;
    this.metrics?.transitions.inc({ to });
    for (const listener of this.listeners) {
      try {
        listener(entry.key, from, to);
      } catch {
        // A listener's failure must not change how the breaker treats the call that caused the
        // transition (opossum emits inside its own promise chain).
      }
    }
  }

  private count(outcome: BreakerCallOutcome): void {
    this.metrics?.calls.inc({ outcome });
  }
}

function stateOf(breaker: Breaker): BreakerState {
  return breaker.opened ? 'open' : breaker.halfOpen ? 'half_open' : 'closed';
}

function sameOptions(a: ResolvedOptions, b: ResolvedOptions): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ResolvedOptions>;
  return [...keys].every((key) => a[key] === b[key]);
}

function resolveOptions(base: ResolvedOptions, options: BreakerOptions): ResolvedOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const resolved: ResolvedOptions = { ...base, ...defined };
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => ok || problems.push(problem);
  check(
    Number.isFinite(resolved.errorThresholdPercentage) &&
      resolved.errorThresholdPercentage >= 0 &&
      resolved.errorThresholdPercentage <= 100,
    'errorThresholdPercentage must be 0–100',
  );
  check(
    Number.isInteger(resolved.volumeThreshold) && resolved.volumeThreshold >= 0,
    'volumeThreshold must be an integer ≥ 0',
  );
  check(
    Number.isInteger(resolved.resetTimeoutMs) && resolved.resetTimeoutMs > 0,
    'resetTimeoutMs must be an integer > 0',
  );
  check(
    resolved.timeoutMs === undefined || (Number.isInteger(resolved.timeoutMs) && resolved.timeoutMs > 0),
    'timeoutMs must be an integer > 0',
  );
  check(
    Number.isInteger(resolved.rollingCountBuckets) && resolved.rollingCountBuckets >= 1,
    'rollingCountBuckets must be an integer ≥ 1',
  );
  check(
    Number.isInteger(resolved.rollingCountTimeoutMs) &&
      resolved.rollingCountTimeoutMs >= resolved.rollingCountBuckets,
    'rollingCountTimeoutMs must be an integer ≥ rollingCountBuckets',
  );
  if (problems.length > 0) throw new TypeError(`invalid circuit breaker options: ${problems.join('; ')}`);
  return resolved;
}
