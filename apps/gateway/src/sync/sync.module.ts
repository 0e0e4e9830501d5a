import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Integration } from '../integrations/integration.entity';
import { Sync1764500000000 } from '../migrations/1764500000000-sync';
import { SyncConflict } from './sync-conflict.entity';
import { SyncEventsHandler } from './sync-events.handler';
import { SyncJob } from './sync-job.entity';
import { SyncController } from './sync.controller';
import { SyncService } from './sync.service';

/** The gateway's sync tables, for gatewayService's entity and migration lists. */
export const SYNC_ENTITIES = [SyncJob, SyncConflict];
export const SYNC_MIGRATIONS = [Sync1764500000000];

/**
 * Sync on the management API: start a job, read jobs and conflicts (the read model of
 * sync.events.v1), resolve a conflict held for a person (sync.commands.v1 to the orchestrator).
 */
@Module({
  imports: [TypeOrmModule.forFeature([...SYNC_ENTITIES, Integration])],
  controllers: [SyncController, SyncEventsHandler],
  providers: [SyncService],
})
export class SyncModule {}
