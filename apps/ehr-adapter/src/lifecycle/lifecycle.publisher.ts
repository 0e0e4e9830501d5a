import { Injectable } from '@nestjs/common';
import {
  createCloudEvent,
  INTEGRATION_LIFECYCLE_V1,
  type IntegrationLifecyclePayload,
  TOPICS,
} from '@meridian/contracts';
import { EventProducer } from '@meridian/kafka';

export const SOURCE = '/meridian/ehr-adapter';

/** Lifecycle steps of this service, as `<service>.<step>` (the contract's form). */
export const STEPS = {
  apply: 'ehr-adapter.apply',
  circuitBreaker: 'ehr-adapter.circuit-breaker',
} as const;

/** Every step on integration.events.v1, keyed by integration so its log stays in order. */
@Injectable()
export class LifecyclePublisher {
  constructor(private readonly producer: EventProducer) {}

  async publish(step: IntegrationLifecyclePayload, causationId?: string): Promise<void> {
    await this.producer.publish(TOPICS.integrationEvents.name, [
      {
        key: step.integrationId,
        event: createCloudEvent({
          source: SOURCE,
          type: INTEGRATION_LIFECYCLE_V1,
          integrationid: step.integrationId,
          correlationid: step.correlationId,
          causationid: causationId,
          data: step,
        }),
      },
    ]);
  }
}
