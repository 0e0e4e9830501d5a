import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Registry } from 'prom-client';
import { createMetricsRegistry } from './metrics-registry';
import { MetricsController } from './metrics.controller';

/** Provides the service's prom-client `Registry` and serves it at `/metrics`. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(service: string, version: string): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [MetricsController],
      providers: [{ provide: Registry, useFactory: () => createMetricsRegistry(service, version) }],
      exports: [Registry],
    };
  }
}
