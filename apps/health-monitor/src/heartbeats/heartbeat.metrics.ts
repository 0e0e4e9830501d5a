import { Inject, Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';

@Injectable()
export class HeartbeatMetrics {
  private readonly lastSeen: Gauge<'service'>;
  private readonly startedAt: Gauge<'service'>;

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

  seen(service: string, at: Date, startedAt: Date): void {
    this.lastSeen.set({ service }, at.getTime() / 1000);
    this.startedAt.set({ service }, startedAt.getTime() / 1000);
  }

  /** Last heartbeat time per service, for tests and the read side. */
  async snapshot(): Promise<Record<string, number>> {
    const { values } = await this.lastSeen.get();
    return Object.fromEntries(values.map((v) => [String(v.labels.service), v.value]));
  }
}
