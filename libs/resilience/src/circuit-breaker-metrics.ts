import { Counter, Gauge, type Registry } from 'prom-client';

export type BreakerState = 'closed' | 'open' | 'half_open';
export const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half_open'];

/** How a call through a breaker ended. */
export type BreakerCallOutcome = 'success' | 'failure' | 'timeout' | 'ignored' | 'rejected';

/** Anything whose breakers the state gauge counts at scrape time. */
export interface BreakerStateSource {
  stateCounts(): Record<BreakerState, number>;
}

/**
 * Labels are the state or outcome only, never the integration id (CONVENTIONS.md: labels from
 * small fixed sets): which integration's breaker opened is an event (`onStateChange`), not a series.
 */
export interface CircuitBreakerMetrics {
  transitions: Counter<'to'>;
  calls: Counter<'outcome'>;
  sources: Set<BreakerStateSource>;
}

const cache = new WeakMap<Registry, CircuitBreakerMetrics>();

/** One set of metrics per registry, however many `CircuitBreakers` a process creates. */
export function circuitBreakerMetrics(registry: Registry): CircuitBreakerMetrics {
  const existing = cache.get(registry);
  if (existing) return existing;
  const sources = new Set<BreakerStateSource>();
  new Gauge({
    name: 'meridian_circuit_breakers',
    help: 'Circuit breakers (one per integration) in each state.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const totals: Record<BreakerState, number> = { closed: 0, open: 0, half_open: 0 };
      for (const source of sources) {
        const counts = source.stateCounts();
        for (const state of BREAKER_STATES) totals[state] += counts[state];
      }
      for (const state of BREAKER_STATES) this.set({ state }, totals[state]);
    },
  });
  const metrics: CircuitBreakerMetrics = {
    transitions: new Counter({
      name: 'meridian_circuit_breaker_transitions_total',
      help: 'Circuit breaker state changes, by the state entered.',
      labelNames: ['to'],
      registers: [registry],
    }),
    calls: new Counter({
      name: 'meridian_circuit_breaker_calls_total',
      help: 'Calls through circuit breakers, by outcome (success, failure, timeout, ignored: an error that does not count against the breaker, rejected: the breaker was open).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    sources,
  };
  cache.set(registry, metrics);
  return metrics;
}
