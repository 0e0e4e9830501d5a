import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type CloudEvent, TOPICS, type WebhookRequestedPayload } from '@meridian/contracts';
import { KafkaEventContext } from '@meridian/kafka';
import { deriveWebhookMessageId } from '@meridian/security';
import { Registry } from 'prom-client';
import { DeliveryService, webhookBody } from '../delivery/delivery.service';
import { DispatchWriter } from '../delivery/dispatch.writer';
import { webhookMetrics, type WebhookMetrics } from '../delivery/webhook-metrics';
import { WebhookEndpointView } from '../endpoints/webhook-endpoint.view';
import { MessageStore } from '../messages/message.store';

/**
 * webhooks.outbound.v1 → one message per active endpoint subscribed to the event's type: a row in
 * `webhook_message` (for re-send and recover) and a first attempt on webhooks.dispatch.v1. The
 * message's `webhook-id` is derived from (eventId, endpointId), and a message already recorded is
 * not dispatched again, so a redelivered event neither changes the id nor sends twice.
 */
@Controller()
export class FanOutHandler {
  private readonly logger = new Logger('WebhookFanOut');
  private readonly metrics: WebhookMetrics;

  constructor(
    private readonly endpoints: WebhookEndpointView,
    private readonly delivery: DeliveryService,
    private readonly store: MessageStore,
    private readonly writer: DispatchWriter,
    @Inject(Registry) registry: Registry,
  ) {
    this.metrics = webhookMetrics(registry);
  }

  @EventPattern(TOPICS.webhooksOutbound.name)
  async fanOut(
    @Payload() event: CloudEvent<WebhookRequestedPayload>,
    @Ctx() context: KafkaEventContext,
  ): Promise<void> {
    // Judged against every endpoint that was on the topic when we started.
    await this.endpoints.loaded;
    const requested = event.data;
    const targets = this.endpoints
      .subscribedTo(requested.type, requested.data)
      .filter((endpoint) => this.delivery.isDeliverable(endpoint));
    if (targets.length === 0) return;
    const body = webhookBody(requested);
    const messages = targets.map((endpoint) => ({
      webhookId: deriveWebhookMessageId(requested.eventId, endpoint.endpointId),
      endpointId: endpoint.endpointId,
      eventId: requested.eventId,
      integrationId: requested.integrationId,
      type: requested.type,
      timestamp: requested.timestamp,
      data: requested.data,
    }));
    const recorded = await this.store.record(messages.map((message) => ({ ...message, body })));
    // Pending = never dispatched, or dispatched by a run that died before committing the event.
    const pending = new Set(recorded.filter((row) => row.status === 'pending').map((row) => row.webhookId));
    const toSend = messages.filter((message) => pending.has(message.webhookId));
    await this.writer.first(toSend, {
      correlationId: context.record.headers.ce_correlationid ?? requested.eventId,
      causationId: event.id,
    });
    this.metrics.fannedOut.inc(recorded.filter((row) => row.inserted).length);
    this.logger.log({
      msg: 'event fanned out',
      eventId: requested.eventId,
      endpoints: targets.length,
      dispatched: toSend.length,
    });
  }
}
