import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ServiceDefinition } from '@meridian/platform';
import { Sync1764200000000 } from './migrations/1764200000000-sync';
import { OrchestratorSettings } from './orchestrator.settings';
import { FhirRouterHandler } from './routing/fhir-router.handler';
import { OutboundMapping } from './routing/outbound-mapping';
import { SyncCommandsHandler } from './sync/sync-commands.handler';
import { SyncEventsPublisher } from './sync/sync-events.publisher';
import { SyncJobsService } from './sync/sync-jobs.service';
import { SyncRetention } from './sync/sync-retention';
import { SyncScheduler } from './sync/sync-scheduler';
import { SyncStateRepository } from './sync/sync-state.repository';
import { SYNC_ENTITIES } from './sync/sync.entities';
import { SyncService } from './sync/sync.service';

@Module({
  imports: [TypeOrmModule.forFeature(SYNC_ENTITIES)],
  controllers: [FhirRouterHandler, SyncCommandsHandler],
  providers: [
    OutboundMapping,
    SyncStateRepository,
    SyncEventsPublisher,
    SyncService,
    SyncJobsService,
    SyncScheduler,
    SyncRetention,
  ],
})
export class OrchestratorModule {}

export const orchestratorService: ServiceDefinition = {
  name: 'orchestrator',
  defaultPort: 3001,
  imports: [OrchestratorModule],
  entities: SYNC_ENTITIES,
  migrations: [Sync1764200000000],
  settings: OrchestratorSettings,
  integrationConfigs: true,
};
