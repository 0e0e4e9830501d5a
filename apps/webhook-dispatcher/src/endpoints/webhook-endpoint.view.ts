import { Inject, Injectable } from '@nestjs/common';
import {
  TOPICS,
  WEBHOOK_ALL_EVENT_TYPES,
  WEBHOOK_ENDPOINT_V1,
  WebhookEndpointPayload,
} from '@meridian/contracts';
import { KafkaConnection } from '@meridian/kafka';
import { CompactedTopicView, SERVICE_CONFIG, type ServiceConfig } from '@meridian/platform';

/** Every partner endpoint, in memory, from the compacted webhook.endpoints.v1 (the gateway's outbox). */
@Injectable()
export class WebhookEndpointView extends CompactedTopicView<WebhookEndpointPayload> {
  constructor(connection: KafkaConnection, @Inject(SERVICE_CONFIG) config: ServiceConfig) {
    super(connection, config, {
      topic: TOPICS.webhookEndpoints.name,
      eventType: WEBHOOK_ENDPOINT_V1,
      payload: WebhookEndpointPayload,
      version: (endpoint) => endpoint.version,
      name: 'endpoint-view',
    });
  }

  /** Active endpoints subscribed to `type` (exactly, or through `*`). */
  subscribedTo(type: string): WebhookEndpointPayload[] {
    return this.all().filter(
      (endpoint) =>
        endpoint.active &&
        (endpoint.eventTypes.includes(type) || endpoint.eventTypes.includes(WEBHOOK_ALL_EVENT_TYPES)),
    );
  }
}
