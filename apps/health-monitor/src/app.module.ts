import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@meridian/platform';
import { HeartbeatHandler } from './heartbeats/heartbeat.handler';
import { HeartbeatMetrics } from './heartbeats/heartbeat.metrics';

@Module({
  controllers: [HeartbeatHandler],
  providers: [HeartbeatMetrics],
})
export class HealthMonitorModule {}

export const healthMonitorService: ServiceDefinition = {
  name: 'health-monitor',
  defaultPort: 3007,
  imports: [HealthMonitorModule],
};
