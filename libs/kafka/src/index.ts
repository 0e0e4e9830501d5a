export { registerConsumerLag, type LagSource } from './consumer-lag';
export {
  ConsumerRuntime,
  DEFAULT_SESSION_TIMEOUT_MS,
  type ConsumerRuntimeOptions,
  type ConsumerState,
  type EventContext,
  type EventHandler,
} from './consumer-runtime';
export { buildRedrive, REDRIVE_GROUP_HEADER } from './dead-letter-redrive';
export { buildDeadLetter, type DeadLetterContext } from './dead-letter';
// The error taxonomy lives in libs/resilience (HTTP clients share it); re-exported for consumers' handlers.
export {
  classifyError,
  errorClassName,
  PermanentError,
  safeErrorMessage,
  TransientError,
  type ErrorClass,
} from '@meridian/resilience';
export { EventProducer, type OutgoingEvent, type RawRecord } from './event-producer';
export { createKafkaClient, explainClientError, type KafkaSettings } from './kafka-client';
export { KafkaConnection, type KafkaStatus } from './kafka-connection';
export {
  describeKafkaSecurity,
  explainKafkaError,
  KAFKA_SECURITY_VARIABLES,
  KafkaConnectError,
  kafkaSecurityFromEnv,
  kafkaSecurityOptions,
  KafkaSecurityConfigError,
  readKafkaSecurity,
  SASL_MECHANISMS,
  Secret,
  type KafkaFailure,
  type KafkaSecurity,
  type SaslMechanism,
} from './kafka-security';
export { KafkaHealthIndicator } from './kafka-health.indicator';
export { kafkaMetrics, type KafkaMetrics } from './kafka-metrics';
export { KAFKA_SETTINGS, KafkaModule } from './kafka.module';
export { DUE_AT_HEADER, KeyedConsumer, type KeyedConsumerOptions } from './keyed-consumer';
export { KafkaEventContext, KafkaTransport, type KafkaTransportOptions } from './kafka-transport';
export { TransactionalProducer } from './transactional-producer';
export { readTopic, type ReadOptions, type StoredRecord } from './topic-reader';
export { provisionTopics, waitForTopics, type ProvisionReport } from './topic-provisioner';
