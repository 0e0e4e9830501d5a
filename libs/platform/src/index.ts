export { runService, startService, type StartOptions } from './bootstrap';
export { ensureSchema } from './database-schema';
export { HealthController } from './health.controller';
export { HeartbeatService } from './heartbeat.service';
export { RethrowRpcErrors } from './rethrow-rpc-errors.filter';
export type { ServiceDefinition } from './service-definition';
export { ConfigError, loadServiceConfig, type ServiceConfig } from './service-config';
export { ServiceModule } from './service.module';
export { SERVICE_CONFIG, SERVICE_SETTINGS } from './tokens';
