import { Inject, Injectable } from '@nestjs/common';
import { TOPICS, WEBHOOK_ENDPOINT_V1, WebhookEndpointPayload } from '@meridian/contracts';
import { KafkaConnection } from '@meridian/kafka';
import { CompactedTopicView, SERVICE_CONFIG, type ServiceConfig } from '@meridian/platform';
import { subscribes } from '../operational/operational-events';

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

  /**
   * Active endpoints subscribed to an event of `type` with `data`: exactly, or through `*` for
   * business events; operational events (`message.*`, `endpoint.*`) only exactly, and never to the
   * endpoint they are about (see operational-events.ts).
   */
  subscribedTo(type: string, data: Record<string, unknown> = {}): WebhookEndpointPayload[] {
    return this.all().filter((endpoint) => subscribes(endpoint, type, data));
  }
}
