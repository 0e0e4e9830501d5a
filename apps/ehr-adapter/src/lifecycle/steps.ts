export const SOURCE = '/meridian/ehr-adapter';

/** Lifecycle steps of this service, as `<service>.<step>` (the contract's form). */
export const STEPS = {
  apply: 'ehr-adapter.apply',
  pull: 'ehr-adapter.pull',
  circuitBreaker: 'ehr-adapter.circuit-breaker',
} as const;
