import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Registry } from 'prom-client';
import { createKafkaClient, type KafkaSettings } from './kafka-client';
import { KafkaConnection } from './kafka-connection';
import { KafkaHealthIndicator } from './kafka-health.indicator';
import { kafkaMetrics } from './kafka-metrics';
import { EventProducer } from './event-producer';
import { registerConsumerLag } from './consumer-lag';

export const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');

/**
 * Provides the service's KafkaConnection, its EventProducer and the Kafka readiness indicator.
 * Needs a prom-client `Registry` provider in scope (the observability module gives one).
 */
@Global()
@Module({})
export class KafkaModule implements OnApplicationShutdown {
  constructor(@Inject(KafkaConnection) private readonly connection: KafkaConnection) {}

  static forRoot(settings: KafkaSettings): DynamicModule {
    return {
      module: KafkaModule,
      imports: [TerminusModule],
      providers: [
        { provide: KAFKA_SETTINGS, useValue: settings },
        {
          provide: KafkaConnection,
          inject: [KAFKA_SETTINGS, Registry],
          useFactory: async (kafkaSettings: KafkaSettings, registry: Registry) => {
            const kafka = createKafkaClient(kafkaSettings);
            const admin = kafka.admin({ retry: { retries: 1, initialRetryTime: 100 } });
            const connection = new KafkaConnection(
              kafka,
              new EventProducer(kafka, kafkaMetrics(registry)),
              admin,
            );
            registerConsumerLag(registry, admin, () =>
              connection.consumerRuntimes().map((c) => ({ groupId: c.groupId, topics: c.topics })),
            );
            await connection.connect();
            return connection;
          },
        },
        { provide: EventProducer, inject: [KafkaConnection], useFactory: (c: KafkaConnection) => c.producer },
        KafkaHealthIndicator,
      ],
      exports: [KafkaConnection, EventProducer, KafkaHealthIndicator],
    };
  }

  /** Runs after the microservice transports closed (their consumers committed and left). */
  async onApplicationShutdown(): Promise<void> {
    await this.connection.disconnect();
  }
}
