export { JsonLogger, type Level } from './json-logger';
export { createMetricsRegistry } from './metrics-registry';
export { MetricsController } from './metrics.controller';
export { ObservabilityModule } from './observability.module';
