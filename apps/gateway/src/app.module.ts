import { Module } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ServiceDefinition } from '@meridian/platform';
import { GatewaySettings } from './gateway.settings';
import { Hl7DedupeRepository } from './hl7/hl7-dedupe.repository';
import { Hl7HttpController } from './hl7/hl7-http.controller';
import { Hl7IntakeService } from './hl7/hl7-intake.service';
import { Hl7Received } from './hl7/hl7-received.entity';
import { MllpServer } from './hl7/mllp.server';
import { RequestInputPipe } from './http/pipes';
import { Integration } from './integrations/integration.entity';
import { IntegrationsController } from './integrations/integrations.controller';
import { IntegrationsService } from './integrations/integrations.service';
import { Hl7Received1764000000000 } from './migrations/1764000000000-hl7-received';
import { IntegrationsOutbox1764100000000 } from './migrations/1764100000000-integrations-outbox';
import { Hl7ReceivedFingerprint1765000000000 } from './migrations/1765000000000-hl7-received-fingerprint';
import { OutboxRecord } from './outbox/outbox-record.entity';
import { OutboxModule } from './outbox/outbox.module';
import { SYNC_ENTITIES, SYNC_MIGRATIONS, SyncModule } from './sync/sync.module';
import { WEBHOOK_ENTITIES, WEBHOOK_MIGRATIONS, WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [TypeOrmModule.forFeature([Hl7Received, Integration, OutboxRecord]), OutboxModule],
  controllers: [Hl7HttpController, IntegrationsController],
  providers: [
    Hl7DedupeRepository,
    Hl7IntakeService,
    MllpServer,
    IntegrationsService,
    // Every route's path and query parameters and JSON bodies, before the route's own pipes.
    { provide: APP_PIPE, useClass: RequestInputPipe },
  ],
})
export class GatewayModule {}

export const gatewayService: ServiceDefinition = {
  name: 'gateway',
  defaultPort: 3000,
  imports: [GatewayModule, WebhooksModule, SyncModule],
  entities: [Hl7Received, Integration, OutboxRecord, ...WEBHOOK_ENTITIES, ...SYNC_ENTITIES],
  migrations: [
    Hl7Received1764000000000,
    IntegrationsOutbox1764100000000,
    ...WEBHOOK_MIGRATIONS,
    ...SYNC_MIGRATIONS,
    Hl7ReceivedFingerprint1765000000000,
  ],
  settings: GatewaySettings,
  openApi: {
    title: 'Meridian management API',
    description:
      'Integrations, webhooks and HL7 v2 intake. Every change to an integration or a webhook endpoint ' +
      'reaches the services over Kafka.',
  },
};
