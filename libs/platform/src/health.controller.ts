import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { KafkaConnection, KafkaHealthIndicator } from '@meridian/kafka';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly kafka: KafkaHealthIndicator,
    private readonly database: TypeOrmHealthIndicator,
    private readonly connection: KafkaConnection,
  ) {}

  /**
   * The process works: no Kafka or database round trip, so a broker outage never restarts pods.
   * A consumer that kafkajs gave up on (crashed without restart) is in-process state that only a
   * restart mends, so it fails liveness.
   */
  @Get('live')
  live(): { status: 'ok' } {
    const crashed = this.connection.consumerRuntimes().filter((c) => c.status === 'crashed');
    if (crashed.length > 0) {
      throw new ServiceUnavailableException({
        status: 'error',
        crashedConsumers: crashed.map((c) => c.groupId),
      });
    }
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
