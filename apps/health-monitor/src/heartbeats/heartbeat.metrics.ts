import { Inject, Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';

@Injectable()
export class HeartbeatMetrics {
  private readonly lastSeen: Gauge<'service'>;
  private readonly startedAt: Gauge<'service'>;
  private readonly latest = new Map<string, number>();

  constructor(@Inject(Registry) registry: Registry) {
    this.lastSeen = new Gauge({
      name: 'meridian_service_last_heartbeat_timestamp_seconds',
      help: 'When the service last published a heartbeat (unix seconds).',
      labelNames: ['service'],
      registers: [registry],
    });
    this.startedAt = new Gauge({
      name: 'meridian_service_start_timestamp_seconds',
      help: 'When the instance that sent the last heartbeat started (unix seconds).',
      labelNames: ['service'],
      registers: [registry],
    });
  }

  /** Heartbeats of different instances arrive on different partitions, in any order: keep the latest. */
  seen(service: string, at: Date, startedAt: Date): void {
    const seconds = at.getTime() / 1000;
    if (seconds <= (this.latest.get(service) ?? 0)) return;
    this.latest.set(service, seconds);
    this.lastSeen.set({ service }, seconds);
    this.startedAt.set({ service }, startedAt.getTime() / 1000);
  }
}
