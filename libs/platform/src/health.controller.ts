import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { KafkaConnection, KafkaHealthIndicator } from '@meridian/kafka';
import type { ReadinessView } from './compacted-topic.view';
import { IntegrationConfigView } from './integration-config.view';
import { COMPACTED_VIEWS } from './tokens';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly kafka: KafkaHealthIndicator,
    private readonly database: TypeOrmHealthIndicator,
    private readonly connection: KafkaConnection,
    private readonly indicators: HealthIndicatorService,
    @Optional() private readonly configs?: IntegrationConfigView,
    @Optional() @Inject(COMPACTED_VIEWS) private readonly views: ReadinessView[] = [],
  ) {}

  /**
   * The process works: no Kafka or database round trip, so a broker outage never restarts pods.
   * A consumer whose `run()` was refused (a crash is restarted by kafkajs or the runtime) is
   * in-process state that only a restart mends, so it fails liveness.
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

  /**
   * Kafka (broker reachable, producer connected, consumers running, not crashed), the database, and for
   * services that keep integration configurations or other compacted-topic views, those loaded;
   * 503 otherwise.
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    const configs = this.configs;
    return this.health.check([
      () => this.kafka.isHealthy('kafka'),
      () => this.database.pingCheck('database', { timeout: 1_500 }),
      ...(configs
        ? [
            () => {
              const indicator = this.indicators.check('integrationConfigs');
              return configs.isLoaded
                ? indicator.up({ integrations: configs.all().length })
                : indicator.down({ reason: 'still reading integration.config.v1' });
            },
          ]
        : []),
      ...this.views.map((view) => () => {
        const indicator = this.indicators.check(view.topic);
        return view.isLoaded
          ? indicator.up({ entries: view.all().length })
          : indicator.down({ reason: `still reading ${view.topic}` });
      }),
    ]);
  }
}
