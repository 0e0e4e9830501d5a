import type { DynamicModule, Type } from '@nestjs/common';
import type { ServiceName } from '@meridian/contracts';
import type { ReadinessView } from './compacted-topic.view';

/** What an app declares about itself; the platform does the rest (config, Kafka, DB, health, metrics). */
export interface ServiceDefinition {
  name: ServiceName;
  defaultPort: number;
  /** The app's feature modules. */
  imports: (Type | DynamicModule)[];
  /** The app's TypeORM entities and migrations (its own schema). */
  entities?: Type[];
  migrations?: Type[];
  /**
   * The app's own environment settings: a class-validator class with defaults as property
   * initialisers. Validated at start-up with the platform's variables; injected as SERVICE_SETTINGS.
   */
  settings?: Type<object>;
  /** Keep every integration's configuration in memory (IntegrationConfigView), ready once loaded. */
  integrationConfigs?: boolean;
  /**
   * The app's other in-memory views of compacted topics (subclasses of CompactedTopicView): provided
   * to the app's modules, and readiness waits until each has loaded.
   */
  views?: Type<ReadinessView>[];
  /**
   * Consume with a KeyedConsumer (libs/kafka): records of a partition run concurrently across keys and
   * in order within a key, and a record that must wait (RetryLaterError, e.g. an open circuit breaker)
   * holds only its key, not the partition. For handlers whose work waits on systems outside our control.
   */
  keyedConsumer?: boolean;
  /** Serve an OpenAPI document of the app's HTTP API at /api/docs (UI) and /api/docs-json. */
  openApi?: { title: string; description: string };
}
