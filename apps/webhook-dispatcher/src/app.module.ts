import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ServiceDefinition } from '@meridian/platform';
import { CommandsHandler } from './commands/commands.handler';
import { DeliveryService } from './delivery/delivery.service';
import { DispatchConsumer } from './delivery/dispatch.consumer';
import { DispatchWriter } from './delivery/dispatch.writer';
import { EndpointSecrets } from './endpoints/endpoint-secrets';
import { WebhookEndpointView } from './endpoints/webhook-endpoint.view';
import { FanOutHandler } from './fanout/fanout.handler';
import { EndpointState } from './messages/endpoint-state.entity';
import { MessageStore } from './messages/message.store';
import { WebhookMessage } from './messages/webhook-message.entity';
import { WebhookMessages1764200000000 } from './migrations/1764200000000-webhook-messages';
import { WebhookDispatcherSettings } from './webhook-dispatcher.settings';

@Module({
  imports: [TypeOrmModule.forFeature([WebhookMessage, EndpointState])],
  controllers: [FanOutHandler, CommandsHandler],
  providers: [EndpointSecrets, MessageStore, DeliveryService, DispatchWriter, DispatchConsumer],
})
export class WebhookDispatcherModule {}

export const webhookDispatcherService: ServiceDefinition = {
  name: 'webhook-dispatcher',
  defaultPort: 3006,
  imports: [WebhookDispatcherModule],
  settings: WebhookDispatcherSettings,
  entities: [WebhookMessage, EndpointState],
  migrations: [WebhookMessages1764200000000],
  views: [WebhookEndpointView],
};
