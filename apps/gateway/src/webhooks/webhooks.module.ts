import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Webhooks1764300000000 } from '../migrations/1764300000000-webhooks';
import { Integration } from '../integrations/integration.entity';
import { OutboxModule } from '../outbox/outbox.module';
import { InboundWebhookId, InboundWebhookSecret } from './inbound-webhook-secret.entity';
import { InboundWebhooksController } from './inbound-webhooks.controller';
import { InboundWebhooksService } from './inbound-webhooks.service';
import { WebhookAttempt } from './webhook-attempt.entity';
import { WebhookAttemptsRetention } from './webhook-attempts-retention';
import { WebhookCipher } from './webhook-cipher';
import { WebhookCommandsService } from './webhook-commands.service';
import { WebhookDeliveriesHandler } from './webhook-deliveries.handler';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsService } from './webhook-endpoints.service';

/** The gateway's tables for webhooks, for gatewayService's entity and migration lists. */
export const WEBHOOK_ENTITIES = [WebhookEndpoint, WebhookAttempt, InboundWebhookSecret, InboundWebhookId];
export const WEBHOOK_MIGRATIONS = [Webhooks1764300000000];

/**
 * Partner webhooks on the gateway: the endpoints API (announced on webhook.endpoints.v1 through the
 * outbox), the delivery log from webhooks.deliveries.v1, resend / recover commands, and verified
 * inbound partner webhooks.
 */
@Module({
  imports: [TypeOrmModule.forFeature([...WEBHOOK_ENTITIES, Integration]), OutboxModule],
  controllers: [WebhookEndpointsController, InboundWebhooksController, WebhookDeliveriesHandler],
  providers: [
    WebhookCipher,
    WebhookEndpointsService,
    WebhookDeliveriesService,
    WebhookCommandsService,
    InboundWebhooksService,
    WebhookAttemptsRetention,
  ],
})
export class WebhooksModule {}
