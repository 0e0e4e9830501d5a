import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  type CloudEvent,
  SYNC_CONFLICT_V1,
  SYNC_JOB_V1,
  type SyncConflictPayload,
  type SyncJobPayload,
  TOPICS,
} from '@meridian/contracts';
import { SyncService } from './sync.service';

/**
 * sync.events.v1 → the jobs and conflicts read model. Both writes keep the highest sequence, so a
 * redelivered or replayed record changes nothing.
 */
@Controller()
export class SyncEventsHandler {
  constructor(private readonly sync: SyncService) {}

  @EventPattern(TOPICS.syncEvents.name)
  async onEvent(@Payload() event: CloudEvent<SyncJobPayload | SyncConflictPayload>): Promise<void> {
    // The runtime has validated the data against the registered type of its ce_type.
    if (event.type === SYNC_JOB_V1) await this.sync.recordJob(event.data as SyncJobPayload);
    else if (event.type === SYNC_CONFLICT_V1)
      await this.sync.recordConflict(event.data as SyncConflictPayload);
  }
}
