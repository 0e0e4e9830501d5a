import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { isServiceName, TOPICS, type CloudEvent, type ServiceHeartbeatPayload } from '@meridian/contracts';
import { PermanentError } from '@meridian/kafka';
import { HeartbeatMetrics } from './heartbeat.metrics';

/** Records when each service last said it was alive; alert rules fire on silence. */
@Controller()
export class HeartbeatHandler {
  constructor(private readonly metrics: HeartbeatMetrics) {}

  @EventPattern(TOPICS.serviceHeartbeats.name)
  record(@Payload() event: CloudEvent<ServiceHeartbeatPayload>): void {
    const service = event.data.service;
    // The label set stays small and fixed: a heartbeat naming an unknown service is refused.
    if (!isServiceName(service)) {
      throw new PermanentError(`heartbeat from unknown service ${service}`);
    }
    this.metrics.seen(service, new Date(event.time), new Date(event.data.startedAt));
  }
}
