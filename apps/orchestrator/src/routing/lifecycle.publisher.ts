import { Injectable } from '@nestjs/common';
import {
  createCloudEvent,
  INTEGRATION_LIFECYCLE_V1,
  type IntegrationLifecyclePayload,
  TOPICS,
} from '@meridian/contracts';
import { EventProducer } from '@meridian/kafka';

const SOURCE = '/meridian/orchestrator';

/** Every step of every message, on integration.events.v1 (keyed by integration, so its log stays in order). */
@Injectable()
export class LifecyclePublisher {
  constructor(private readonly producer: EventProducer) {}

  async publish(steps: IntegrationLifecyclePayload[], causationId: string): Promise<void> {
    if (steps.length === 0) return;
    await this.producer.publish(
      TOPICS.integrationEvents.name,
      steps.map((step) => ({
        key: step.integrationId,
        event: createCloudEvent({
          source: SOURCE,
          type: INTEGRATION_LIFECYCLE_V1,
          integrationid: step.integrationId,
          correlationid: step.correlationId,
          causationid: causationId,
          data: step,
        }),
      })),
    );
  }
}
