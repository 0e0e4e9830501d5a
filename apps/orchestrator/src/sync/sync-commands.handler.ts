import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type CloudEvent, type SyncCommandPayload, TOPICS } from '@meridian/contracts';
import { KafkaEventContext, PermanentError } from '@meridian/kafka';
import { SyncJobsService } from './sync-jobs.service';
import { SyncService } from './sync.service';

/** sync.commands.v1: an operator's `run-job` or `resolve-conflict`, from the gateway's API. */
@Controller()
export class SyncCommandsHandler {
  constructor(
    private readonly jobs: SyncJobsService,
    private readonly sync: SyncService,
  ) {}

  @EventPattern(TOPICS.syncCommands.name)
  async handle(
    @Payload() event: CloudEvent<SyncCommandPayload>,
    @Ctx() _context: KafkaEventContext,
  ): Promise<void> {
    const command = event.data;
    if (command.command === 'run-job') {
      if (command.jobId === undefined) throw new PermanentError('run-job without a jobId');
      await this.jobs.run({
        jobId: command.jobId,
        integrationId: command.integrationId,
        trigger: 'on_demand',
        ...(command.since === undefined ? {} : { since: command.since }),
      });
      return;
    }
    if (command.conflictId === undefined || command.resolution === undefined) {
      throw new PermanentError('resolve-conflict without a conflictId and a resolution');
    }
    await this.sync.resolve(command.conflictId, command.resolution, command.requestedBy ?? 'api');
  }
}
