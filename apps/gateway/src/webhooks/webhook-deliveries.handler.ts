import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type CloudEvent, TOPICS, type WebhookDeliveryPayload } from '@meridian/contracts';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { WebhookEndpointsService } from './webhook-endpoints.service';

/**
 * webhooks.deliveries.v1 → the delivery log; a `disabled` verdict also marks the endpoint inactive and
 * publishes its new version (410 → `gone`, otherwise `failing`). Both steps are idempotent, so a
 * redelivered record changes nothing.
 */
@Controller()
export class WebhookDeliveriesHandler {
  private readonly logger = new Logger('WebhookDeliveries');

  constructor(
    private readonly deliveries: WebhookDeliveriesService,
    private readonly endpoints: WebhookEndpointsService,
  ) {}

  @EventPattern(TOPICS.webhookDeliveries.name)
  async onDelivery(@Payload() event: CloudEvent<WebhookDeliveryPayload>): Promise<void> {
    const delivery = event.data;
    const at = new Date(event.time);
    await this.deliveries.record(delivery, at);
    if (delivery.outcome !== 'disabled') return;
    // The dispatcher says why in the error class (EndpointGone / EndpointFailing) and keeps the 410.
    const gone = delivery.statusCode === 410 || delivery.error?.class === 'EndpointGone';
    const reason = gone ? 'gone' : 'failing';
    if (await this.endpoints.disableFromDelivery(delivery.endpointId, reason, at)) {
      this.logger.warn({
        msg: 'webhook endpoint disabled by the dispatcher',
        endpointId: delivery.endpointId,
        reason,
      });
    }
  }
}
