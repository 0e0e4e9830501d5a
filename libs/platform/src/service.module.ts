import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KafkaModule } from '@meridian/kafka';
import { ObservabilityModule } from '@meridian/observability';
import { ensureSchema } from './database-schema';
import { HealthController } from './health.controller';
import { HeartbeatService } from './heartbeat.service';
import { IntegrationConfigView } from './integration-config.view';
import { LifecyclePublisher } from './lifecycle.publisher';
import type { ServiceDefinition } from './service-definition';
import type { ServiceConfig } from './service-config';
import { COMPACTED_VIEWS, SERVICE_CONFIG, SERVICE_SETTINGS } from './tokens';

/** The root module of every service: the app's features on the platform's common parts. */
@Module({})
export class ServiceModule {
  static forRoot(definition: ServiceDefinition, config: ServiceConfig): DynamicModule {
    const views = definition.views ?? [];
    return {
      module: ServiceModule,
      global: true,
      imports: [
        ObservabilityModule.forRoot(config.service, config.version),
        KafkaModule.forRoot(config.kafka),
        TerminusModule.forRoot({ logger: false }),
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await ensureSchema(config.database.url, config.database.schema);
            return {
              type: 'postgres' as const,
              url: config.database.url,
              schema: config.database.schema,
              entities: definition.entities ?? [],
              migrations: definition.migrations ?? [],
              migrationsRun: true,
              migrationsTableName: 'migrations',
              // Never synchronize: the schema changes only through reviewed migrations.
              synchronize: false,
              extra: { max: 5, application_name: `meridian-${config.service}` },
            };
          },
        }),
        ...definition.imports,
      ],
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: SERVICE_SETTINGS, useValue: config.settings },
        HeartbeatService,
        LifecyclePublisher,
        ...(definition.integrationConfigs ? [IntegrationConfigView] : []),
        ...views,
        { provide: COMPACTED_VIEWS, inject: views, useFactory: (...instances: object[]) => instances },
      ],
      exports: [
        SERVICE_CONFIG,
        SERVICE_SETTINGS,
        LifecyclePublisher,
        ...(definition.integrationConfigs ? [IntegrationConfigView] : []),
        ...views,
      ],
    };
  }
}
