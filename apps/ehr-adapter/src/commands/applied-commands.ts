import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, type Repository } from 'typeorm';
import { DLQ_RETENTION_MS } from '@meridian/contracts';
import { RetentionSchedule } from '@meridian/platform';
import { AppliedCommand } from './applied-command.entity';

/**
 * The commands this adapter applied (table `applied_commands`). Kafka delivers at least once: a
 * replica that takes over a killed one's partitions starts from the last committed offset and is
 * handed commands that were already applied, possibly before newer ones of the same patient. Applying
 * one again would move the resource back to older content, so it is answered from here instead.
 * Recorded after the server applied the transaction: a command killed in between is applied again,
 * and that is harmless, since nothing of its key was applied after it.
 *
 * Kept as long as a command can come back: a dead-lettered one may be redriven for as long as its
 * DLQ keeps it, and everything on ehr.commands.v1 is younger than that.
 */
@Injectable()
export class AppliedCommands implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly retention: RetentionSchedule;

  constructor(@InjectRepository(AppliedCommand) private readonly rows: Repository<AppliedCommand>) {
    this.retention = new RetentionSchedule([
      {
        what: 'applied_commands',
        keepMs: DLQ_RETENTION_MS,
        prune: async (before) => (await rows.delete({ appliedAt: LessThan(before) })).affected ?? 0,
      },
    ]);
  }

  onApplicationBootstrap(): void {
    this.retention.start();
  }

  onApplicationShutdown(): void {
    this.retention.stop();
  }

  find(commandId: string): Promise<AppliedCommand | null> {
    return this.rows.findOneBy({ commandId });
  }

  async record(commandId: string, integrationId: string, references: string[]): Promise<void> {
    await this.rows
      .createQueryBuilder()
      .insert()
      .values({ commandId, integrationId, references, appliedAt: new Date() })
      .orIgnore()
      .execute();
  }
}
