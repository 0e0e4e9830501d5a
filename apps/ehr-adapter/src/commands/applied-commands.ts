import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, type Repository } from 'typeorm';
import { DLQ_RETENTION_MS } from '@meridian/contracts';
import { safeErrorMessage } from '@meridian/kafka';
import { AppliedCommand } from './applied-command.entity';

/**
 * Kept as long as a command can come back: a dead-lettered command may be redriven for as long as
 * its DLQ keeps it, and everything on ehr.commands.v1 is younger than that.
 */
export const APPLIED_RETENTION_MS = DLQ_RETENTION_MS;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * The commands this adapter applied (table `applied_commands`). Kafka delivers at least once: a
 * replica that takes over a killed one's partitions starts from the last committed offset and is
 * handed commands that were already applied, possibly before newer ones of the same patient. Applying
 * one again would move the resource back to older content, so it is answered from here instead.
 * Recorded after the server applied the transaction: a command killed in between is applied again,
 * and that is harmless, since nothing of its key was applied after it.
 */
@Injectable()
export class AppliedCommands implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AppliedCommands');
  private timer?: NodeJS.Timeout;

  constructor(@InjectRepository(AppliedCommand) private readonly rows: Repository<AppliedCommand>) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
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

  /** Forgets what can no longer come back; returns how many rows went. */
  async prune(now = Date.now()): Promise<number> {
    try {
      const result = await this.rows.delete({ appliedAt: LessThan(new Date(now - APPLIED_RETENTION_MS)) });
      return result.affected ?? 0;
    } catch (error) {
      this.logger.warn({ msg: 'could not prune applied commands', error: safeErrorMessage(error) });
      return 0;
    }
  }
}
