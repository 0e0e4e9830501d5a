import { Inject, Injectable } from '@nestjs/common';
import {
  createCloudEvent,
  INTEGRATION_LIFECYCLE_V1,
  type IntegrationLifecyclePayload,
  TOPICS,
} from '@meridian/contracts';
import { EventProducer } from '@meridian/kafka';
import type { ServiceConfig } from './service-config';
import { SERVICE_CONFIG } from './tokens';

/**
 * Every step of every message on integration.events.v1, keyed by integration so its log stays in
 * order, from `/meridian/<service>`. Steps are named `<service>.<step>` (the contract's form).
 */
@Injectable()
export class LifecyclePublisher {
  private readonly source: string;

  constructor(
    private readonly producer: EventProducer,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    this.source = `/meridian/${config.service}`;
  }

  async publish(
    steps: IntegrationLifecyclePayload | IntegrationLifecyclePayload[],
    causationId?: string,
  ): Promise<void> {
    const list = Array.isArray(steps) ? steps : [steps];
    if (list.length === 0) return;
    await this.producer.publish(
      TOPICS.integrationEvents.name,
      list.map((step) => ({
        key: step.integrationId,
        event: createCloudEvent({
          source: this.source,
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
