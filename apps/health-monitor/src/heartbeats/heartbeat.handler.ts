import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type CloudEvent, type ServiceHeartbeatPayload } from '@meridian/contracts';
import { HeartbeatMetrics } from './heartbeat.metrics';

/** Records when each service last said it was alive; alert rules fire on silence. */
@Controller()
export class HeartbeatHandler {
  constructor(private readonly metrics: HeartbeatMetrics) {}

  @EventPattern(TOPICS.serviceHeartbeats.name)
  record(@Payload() event: CloudEvent<ServiceHeartbeatPayload>): void {
    // The payload class admits only the eight service names (the label set stays small and
    // fixed); anything else went to the DLQ at stage validate before reaching this handler.
    this.metrics.seen(event.data.service, new Date(event.time), new Date(event.data.startedAt));
  }
}
