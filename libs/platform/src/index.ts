export { runService, startService, type StartOptions } from './bootstrap';
export {
  CompactedTopicView,
  type CompactedTopicListener,
  type CompactedTopicViewOptions,
  type ReadinessView,
} from './compacted-topic.view';
export { ensureSchema, migrationTable, quotedTable } from './database-schema';
export { HealthController } from './health.controller';
export { HeartbeatService } from './heartbeat.service';
export { IntegrationConfigView, type IntegrationConfigListener } from './integration-config.view';
export { LifecyclePublisher } from './lifecycle.publisher';
export { RethrowRpcErrors } from './rethrow-rpc-errors.filter';
export type { ServiceDefinition } from './service-definition';
export { ConfigError, loadServiceConfig, type ServiceConfig } from './service-config';
export { ServiceModule } from './service.module';
export { BooleanFlag, CommaSeparated } from './settings-transforms';
export { DAY_MS, type RetentionRule, RetentionSchedule } from './retention';
export { COMPACTED_VIEWS, SERVICE_CONFIG, SERVICE_SETTINGS } from './tokens';
