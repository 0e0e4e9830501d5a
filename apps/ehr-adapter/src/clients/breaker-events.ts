import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { safeErrorMessage } from '@meridian/kafka';
import type { BreakerState } from '@meridian/resilience';
import { LifecyclePublisher } from '@meridian/platform';
import { STEPS } from '../lifecycle/steps';

/**
 * Turns breaker transitions into lifecycle events on integration.events.v1 (step
 * `ehr-adapter.circuit-breaker`): `failed` when a closed breaker opens (calls to the FHIR server are
 * held), `completed` when it closes again. Both carry the same correlation id, one per outage, so
 * the two can be paired. Half-open trials and a failed trial that reopens it are only logged: the
 * outage has not ended, and an event every reset timeout would be noise.
 */
@Injectable()
export class BreakerEvents {
  private readonly logger = new Logger('CircuitBreaker');
  /** Integration → the correlation id of its current outage. */
  private readonly outages = new Map<string, string>();

  constructor(private readonly lifecycle: LifecyclePublisher) {}

  /** A `StateChangeListener`: must not throw, and does not wait for the publication. */
  readonly onStateChange = (integrationId: string, from: BreakerState, to: BreakerState): void => {
    this.logger.log({ msg: 'circuit breaker changed state', integrationId, from, to });
    if (to === 'open' && from === 'closed') {
      const outage = randomUUID();
      this.outages.set(integrationId, outage);
      this.emit(integrationId, outage, 'failed');
    } else if (to === 'closed') {
      const outage = this.outages.get(integrationId) ?? randomUUID();
      this.outages.delete(integrationId);
      this.emit(integrationId, outage, 'completed');
    }
  };

  /** The integration was deleted: its outage, if any, ends with it. */
  forget(integrationId: string): void {
    this.outages.delete(integrationId);
  }

  private emit(integrationId: string, correlationId: string, status: 'failed' | 'completed'): void {
    this.lifecycle
      .publish({
        integrationId,
        correlationId,
        status,
        step: STEPS.circuitBreaker,
        attempt: 1,
        ...(status === 'failed'
          ? {
              error: {
                class: 'CircuitOpen',
                message: 'circuit breaker opened: calls to the FHIR server are held until it recovers',
                retryable: true,
              },
            }
          : {}),
      })
      .catch((error: unknown) =>
        this.logger.error({
          msg: 'could not publish the circuit breaker event',
          integrationId,
          status,
          error: safeErrorMessage(error),
        }),
      );
  }
}
