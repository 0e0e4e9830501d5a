import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { KafkaHealthIndicator } from '@meridian/kafka';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly kafka: KafkaHealthIndicator,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  /** The process answers: no Kafka or database checks, so a broker outage never restarts pods. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Kafka (broker reachable, producer connected, consumers in their groups) and the database; 503 otherwise. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.kafka.isHealthy('kafka'),
      () => this.database.pingCheck('database', { timeout: 1_500 }),
    ]);
  }
}
