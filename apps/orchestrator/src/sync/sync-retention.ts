import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, type Repository } from 'typeorm';
import { DAY_MS, RetentionSchedule, SERVICE_SETTINGS } from '@meridian/platform';
import type { OrchestratorSettings } from '../orchestrator.settings';
import { SyncCommand } from './sync.entities';

/** What a command is once nothing more will happen to it. */
const FINISHED = ['succeeded', 'failed', 'superseded'] as const;

/**
 * Finished commands leave `sync_commands` after SYNC_COMMAND_RETENTION_DAYS: their bundles are PHI
 * the orchestrator no longer needs (sync state keeps where each entity lives and its version).
 * Commands still sent or held are kept, whatever their age.
 */
@Injectable()
export class SyncRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly schedule: RetentionSchedule;

  constructor(
    @InjectRepository(SyncCommand) commands: Repository<SyncCommand>,
    @Inject(SERVICE_SETTINGS) settings: OrchestratorSettings,
  ) {
    this.schedule = new RetentionSchedule([
      {
        what: 'sync_commands (finished)',
        keepMs: settings.SYNC_COMMAND_RETENTION_DAYS * DAY_MS,
        prune: async (before) =>
          (await commands.delete({ status: In([...FINISHED]), createdAt: LessThan(before) })).affected ?? 0,
      },
    ]);
  }

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  onApplicationShutdown(): void {
    this.schedule.stop();
  }
}
