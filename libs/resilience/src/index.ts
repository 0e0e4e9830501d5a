export {
  assertRetryPolicy,
  backoffDelayMs,
  DEFAULT_MAX_DELAY_MS,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
} from './backoff';
export {
  BREAKER_STATES,
  circuitBreakerMetrics,
  type BreakerCallOutcome,
  type BreakerState,
  type CircuitBreakerMetrics,
} from './circuit-breaker-metrics';
export {
  CallTimeoutError,
  CircuitBreakers,
  CircuitOpenError,
  DEFAULT_BREAKER_OPTIONS,
  type BreakerOptions,
  type CircuitBreakersOptions,
  type StateChangeListener,
} from './circuit-breakers';
export {
  classifyError,
  errorClassName,
  PermanentError,
  RetryLaterError,
  safeErrorMessage,
  TransientError,
  type ErrorClass,
} from './errors';
export { parseRetryAfter } from './retry-after';
export {
  abortableSleep,
  DEFAULT_MAX_RETRY_AFTER_MS,
  retry,
  type RetryEvent,
  type RetryOptions,
} from './retry';
