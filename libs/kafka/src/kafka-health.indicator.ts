import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { KafkaConnection } from './kafka-connection';

/** Terminus indicator over the service's existing Kafka connections (no connection per probe). */
@Injectable()
export class KafkaHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly connection: KafkaConnection,
  ) {}

  async isHealthy(key = 'kafka') {
    const indicator = this.health.check(key);
    const { ready, ...details } = await this.connection.status();
    return ready ? indicator.up(details) : indicator.down(details);
  }
}
