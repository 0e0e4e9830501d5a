// The public surface of @meridian/contracts. Nothing outside this library imports its internals.

// class-transformer's @Type reads design-time metadata through the Reflect API at class definition,
// so it must be installed before the payload classes load, whoever imports this library.
import 'reflect-metadata';

export {
  CE,
  CONTENT_TYPE,
  DLQ_HEADERS,
  DLQ_STAGES,
  REDRIVE_HEADERS,
  type DlqStage,
} from './headers/header-names';

export {
  createCloudEvent,
  decodeCloudEvent,
  encodeCloudEvent,
  envelopeProblems,
  headersToStrings,
  type CloudEvent,
  type CloudEventInit,
  type DecodeResult,
  type EncodedCloudEvent,
  type RawHeaders,
} from './envelope/cloud-event';
export { isJsonContentType, isTextContentType, sameMediaType } from './envelope/content-type';
export { isRfc3339 } from './envelope/rfc3339';

export { validateEvent, validatePayload, type ValidationOutcome } from './validation/payload-validation';
export { IsRfc3339Timestamp } from './validation/is-rfc3339-timestamp';

export type { EventTypeDefinition, JsonSchema } from './events/event-type-definition';
export { EVENT_TYPES, eventTypeOf } from './events/event-types';
export { ErrorSummary } from './events/error-summary';
export { ALERT_SEVERITIES, AlertPayload, type AlertSeverity } from './events/alert/alert.payload';
export { ALERT_V1 } from './events/alert/alert.event';
export {
  COMMAND_OUTCOMES,
  CommandResultPayload,
  ConflictingResource,
  RESOURCE_REFERENCE,
  type CommandOutcome,
} from './events/command-result/command-result.payload';
export { COMMAND_RESULT_V1 } from './events/command-result/command-result.event';
export { SyncCounters } from './events/sync-counters';
export { EhrPullPayload, FHIR_RESOURCE_TYPE } from './events/ehr-pull/ehr-pull.payload';
export { EHR_PULL_V1 } from './events/ehr-pull/ehr-pull.event';
export {
  FIELD_SIDES,
  MANUAL_RESOLUTION_ACTIONS,
  SYNC_COMMANDS,
  SyncCommandPayload,
  SyncResolution,
  type FieldSide,
  type ManualResolutionAction,
  type SyncCommandName,
} from './events/sync-command/sync-command.payload';
export { SYNC_COMMAND_V1 } from './events/sync-command/sync-command.event';
export {
  SYNC_JOB_STATUSES,
  SYNC_JOB_TRIGGERS,
  SyncJobPayload,
  type SyncJobStatus,
  type SyncJobTrigger,
} from './events/sync-job/sync-job.payload';
export { SYNC_JOB_V1 } from './events/sync-job/sync-job.event';
export {
  CONFLICT_RESOLUTION_ACTIONS,
  SYNC_CONFLICT_STATUSES,
  SyncConflictPayload,
  SyncConflictResolution,
  type ConflictResolutionAction,
  type SyncConflictStatus,
} from './events/sync-conflict/sync-conflict.payload';
export { SYNC_CONFLICT_V1 } from './events/sync-conflict/sync-conflict.event';
export { DlqRedrivePayload } from './events/dlq-redrive/dlq-redrive.payload';
export { DLQ_REDRIVE_V1 } from './events/dlq-redrive/dlq-redrive.event';
export {
  FHIR_BUNDLE_TYPES,
  FhirBundleEntry,
  FhirBundleEntryRequest,
  FhirBundlePayload,
  FhirResource,
  type FhirBundleType,
} from './events/fhir-bundle/fhir-bundle.payload';
export { FHIR_BUNDLE_V1, FHIR_JSON_CONTENT_TYPE } from './events/fhir-bundle/fhir-bundle.event';
export { HL7_V2_ER7_CONTENT_TYPE, HL7_V2_RECEIVED_V1 } from './events/hl7-v2-received/hl7-v2-received.event';
export {
  AUTHENTICATION_TYPES,
  AuthenticationSettings,
  CONFLICT_RESOLUTIONS,
  CONNECTION_TYPES,
  ConnectionSettings,
  DataMappingSettings,
  Hl7ConversionSettings,
  IntegrationConfigPayload,
  MonitoringSettings,
  RetryPolicySettings,
  SEALED_CREDENTIALS,
  SYNC_DIRECTIONS,
  SYNC_FREQUENCIES,
  SynchronizationSettings,
  SYSTEM_TYPES,
  type AuthenticationType,
  type ConflictResolution,
  type SystemType,
} from './events/integration-config/integration-config.payload';
export { INTEGRATION_PROPERTIES } from './events/integration-config/integration-config.schema';
export { INTEGRATION_CONFIG_V1 } from './events/integration-config/integration-config.event';
export {
  IntegrationLifecyclePayload,
  LIFECYCLE_STATUSES,
  type LifecycleStatus,
} from './events/integration-lifecycle/integration-lifecycle.payload';
export { INTEGRATION_LIFECYCLE_V1 } from './events/integration-lifecycle/integration-lifecycle.event';
export { JSON_RECEIVED_V1 } from './events/json-received/json-received.event';
export {
  HEARTBEAT_STATUSES,
  ServiceHeartbeatPayload,
  type HeartbeatStatus,
} from './events/service-heartbeat/service-heartbeat.payload';
export { SERVICE_HEARTBEAT_V1 } from './events/service-heartbeat/service-heartbeat.event';
export {
  WEBHOOK_COMMANDS,
  WebhookCommandPayload,
  type WebhookCommand,
} from './events/webhook-command/webhook-command.payload';
export { WEBHOOK_COMMAND_V1 } from './events/webhook-command/webhook-command.event';
export {
  WEBHOOK_DELIVERY_OUTCOMES,
  WEBHOOK_RESPONSE_BODY_MAX_CHARS,
  WebhookDeliveryPayload,
  type WebhookDeliveryOutcome,
} from './events/webhook-delivery/webhook-delivery.payload';
export { WEBHOOK_DELIVERY_V1 } from './events/webhook-delivery/webhook-delivery.event';
export { WebhookReceivedPayload } from './events/webhook-received/webhook-received.payload';
export { WEBHOOK_RECEIVED_V1 } from './events/webhook-received/webhook-received.event';
export { WebhookDispatchPayload } from './events/webhook-dispatch/webhook-dispatch.payload';
export { WEBHOOK_DISPATCH_V1 } from './events/webhook-dispatch/webhook-dispatch.event';
export {
  WEBHOOK_ALL_EVENT_TYPES,
  WEBHOOK_DISABLED_REASONS,
  WebhookEndpointPayload,
  WebhookEndpointSecret,
  webhookSecretAad,
  type WebhookDisabledReason,
} from './events/webhook-endpoint/webhook-endpoint.payload';
export { WEBHOOK_ENDPOINT_V1 } from './events/webhook-endpoint/webhook-endpoint.event';
export {
  IsWebhookData,
  WEBHOOK_DATA_MAX_BYTES,
  WEBHOOK_ID_PATTERN,
} from './events/webhook-requested/webhook-data';
export { WebhookRequestedPayload } from './events/webhook-requested/webhook-requested.payload';
export { WEBHOOK_REQUESTED_V1 } from './events/webhook-requested/webhook-requested.event';

export type { CleanupPolicy, TopicDefinition } from './topics/topic-definition';
export { RETRY_TIER_DELAY_MS, RETRY_TIERS, retryTopicName, type RetryTier } from './topics/retry-tiers';
export {
  DLQ_RETENTION_MS,
  TOPICS,
  allTopicDefinitions,
  dlqTopicName,
  retryTopicsOf,
  topicDefinitionByName,
  topicsConsumedBy,
  topicsProducedBy,
  type TopicKey,
} from './topics/topics';
export { hl7InboundKey } from './topics/hl7-inbound-key';

export { SERVICE_NAMES, isServiceName, serviceSource, type ServiceName } from './services/service-names';

export { CONTRACTS_VERSION } from './contracts-version';
