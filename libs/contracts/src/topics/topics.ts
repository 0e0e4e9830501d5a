import { ALERT_V1 } from '../events/alert/alert.event';
import { COMMAND_RESULT_V1 } from '../events/command-result/command-result.event';
import { DLQ_REDRIVE_V1 } from '../events/dlq-redrive/dlq-redrive.event';
import { EHR_PULL_V1 } from '../events/ehr-pull/ehr-pull.event';
import { FHIR_BUNDLE_V1 } from '../events/fhir-bundle/fhir-bundle.event';
import { HL7_V2_RECEIVED_V1 } from '../events/hl7-v2-received/hl7-v2-received.event';
import { INTEGRATION_CONFIG_V1 } from '../events/integration-config/integration-config.event';
import { INTEGRATION_LIFECYCLE_V1 } from '../events/integration-lifecycle/integration-lifecycle.event';
import { JSON_RECEIVED_V1 } from '../events/json-received/json-received.event';
import { SERVICE_HEARTBEAT_V1 } from '../events/service-heartbeat/service-heartbeat.event';
import { SYNC_COMMAND_V1 } from '../events/sync-command/sync-command.event';
import { SYNC_CONFLICT_V1 } from '../events/sync-conflict/sync-conflict.event';
import { SYNC_JOB_V1 } from '../events/sync-job/sync-job.event';
import { WEBHOOK_COMMAND_V1 } from '../events/webhook-command/webhook-command.event';
import { WEBHOOK_DELIVERY_V1 } from '../events/webhook-delivery/webhook-delivery.event';
import { WEBHOOK_DISPATCH_V1 } from '../events/webhook-dispatch/webhook-dispatch.event';
import { WEBHOOK_ENDPOINT_V1 } from '../events/webhook-endpoint/webhook-endpoint.event';
import { WEBHOOK_RECEIVED_V1 } from '../events/webhook-received/webhook-received.event';
import { WEBHOOK_REQUESTED_V1 } from '../events/webhook-requested/webhook-requested.event';
import { freezeDeep } from '../freeze-deep';
import { SERVICE_NAMES, type ServiceName } from '../services/service-names';
import { retryTopicName } from './retry-tiers';
import type { TopicDefinition } from './topic-definition';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const FOREVER = -1;

/**
 * Topics that carry PHI keep 7 days: long enough to replay after a weekend outage, short enough that
 * Kafka is not a second patient record. Dead letters keep 30 days so a person has time to look.
 */
const REPLAY_WINDOW_MS = 7 * DAY_MS;
export const DLQ_RETENTION_MS = 30 * DAY_MS;

/*
 * Partitions cap a consumer group's parallelism and cannot be lowered later, but each one costs broker
 * memory and rebalance time. 6 where every inbound message passes (the main flow and its per-step
 * lifecycle events: up to 6 instances in parallel); 3 elsewhere (room for 3 instances, ample for the
 * volume); 1 where total order matters more than throughput (configuration, the audit trail).
 * A DLQ has its source's count, so a redrive keeps each key on the same partition number.
 */
const HIGH_VOLUME = 6;
const DEFAULT = 3;

const KEY_HL7 =
  'sending facility + patient identifier (PID-3), as "<MSH-4.1>|<PID-3.1>": MSH-4 component 1 (MSH-3 ' +
  'component 1 when MSH-4 is empty), a pipe, then PID-3 component 1 of the first repetition, both exactly as ' +
  'in the message, e.g. "GOODHEALTH|MRN-000123". A message without PID-3 is keyed "<MSH-4.1>" alone';
const KEY_INTEGRATION_PATIENT =
  'integration id + patient identifier: "<integrationId>|<identifier system>|<identifier value>", or ' +
  '"<integrationId>" alone for data about no patient';
const KEY_COMMAND = 'the target entity: "<integrationId>|<resource type>/<business identifier>"';

const ALL_SERVICES: ServiceName[] = [...SERVICE_NAMES];
const ADAPTERS: ServiceName[] = ['ehr-adapter', 'pms-adapter', 'lis-adapter'];

// Wire names are frozen. Add a topic here (and README's table); never rename one: publish `.v2` beside it.
const definitions = {
  hl7Inbound: {
    name: 'hl7.v2.inbound.v1',
    description:
      'Raw HL7 v2 messages as received, one message per record. The gateway writes what arrives over MLLP ' +
      'and HTTP (and ACKs only after the broker has it), the LIS adapter writes lab results, and upstream ' +
      'systems may publish here directly.',
    partitions: HIGH_VOLUME,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    key: KEY_HL7,
    eventTypes: [HL7_V2_RECEIVED_V1],
    producers: ['gateway', 'lis-adapter'],
    consumers: ['transformer'],
    dlq: true,
    external: true,
  },
  jsonInbound: {
    name: 'json.inbound.v1',
    description:
      'JSON documents from upstream systems before mapping; the transformer maps them to FHIR with the ' +
      'integration’s rules.',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    key: KEY_INTEGRATION_PATIENT,
    eventTypes: [JSON_RECEIVED_V1],
    producers: ['gateway'],
    consumers: ['transformer'],
    dlq: true,
    external: true,
  },
  fhirInbound: {
    name: 'fhir.r4.inbound.v1',
    description:
      'Canonical clinical data as FHIR R4 bundles: converted by the transformer, received as FHIR by the ' +
      'gateway, pulled from EHRs by the EHR adapter, or published directly by upstream systems. The ' +
      'orchestrator routes it.',
    partitions: HIGH_VOLUME,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    key: KEY_INTEGRATION_PATIENT,
    eventTypes: [FHIR_BUNDLE_V1],
    producers: ['transformer', 'gateway', 'ehr-adapter'],
    consumers: ['orchestrator'],
    dlq: true,
    external: true,
  },
  ehrCommands: {
    name: 'ehr.commands.v1',
    description:
      'Changes to apply to an EHR (FHIR R4 server): transaction bundles with conditional requests; and ' +
      'pulls (read what changed on the server since a time and publish it to fhir.r4.inbound.v1).',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    key: `${KEY_COMMAND}; a pull: "<integrationId>"`,
    eventTypes: [FHIR_BUNDLE_V1, EHR_PULL_V1],
    producers: ['orchestrator'],
    consumers: ['ehr-adapter'],
    dlq: true,
  },
  ehrResults: {
    name: 'ehr.results.v1',
    description: 'What the EHR adapter did with each command.',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    key: 'the key of the command it answers',
    eventTypes: [COMMAND_RESULT_V1],
    producers: ['ehr-adapter'],
    consumers: ['orchestrator'],
    dlq: true,
  },
  pmsCommands: {
    name: 'pms.commands.v1',
    description:
      'Changes to apply to a practice-management system (patients, appointments), as FHIR bundles.',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    key: KEY_COMMAND,
    eventTypes: [FHIR_BUNDLE_V1],
    producers: ['orchestrator'],
    consumers: ['pms-adapter'],
    dlq: true,
  },
  pmsResults: {
    name: 'pms.results.v1',
    description: 'What the PMS adapter did with each command.',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    key: 'the key of the command it answers',
    eventTypes: [COMMAND_RESULT_V1],
    producers: ['pms-adapter'],
    consumers: ['orchestrator'],
    dlq: true,
  },
  lisCommands: {
    name: 'lis.commands.v1',
    description:
      'Lab orders to send to a lab system, as FHIR bundles (ServiceRequest); the LIS adapter sends HL7 v2.',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    key: KEY_COMMAND,
    eventTypes: [FHIR_BUNDLE_V1],
    producers: ['orchestrator'],
    consumers: ['lis-adapter'],
    dlq: true,
  },
  lisResults: {
    name: 'lis.results.v1',
    description:
      'What the LIS adapter did with each order. Lab results themselves arrive as HL7 v2 on hl7.v2.inbound.v1.',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    key: 'the key of the command it answers',
    eventTypes: [COMMAND_RESULT_V1],
    producers: ['lis-adapter'],
    consumers: ['orchestrator'],
    dlq: true,
  },
  webhooksOutbound: {
    name: 'webhooks.outbound.v1',
    description:
      'Events to announce to partners (patient admitted, result available, alert raised), not yet per ' +
      'endpoint: the dispatcher fans each out to every active endpoint subscribed to its type.',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    key: 'integration id, or the event type (e.g. "alert.raised") for events about no integration',
    eventTypes: [WEBHOOK_REQUESTED_V1],
    producers: ['orchestrator', 'health-monitor'],
    consumers: ['webhook-dispatcher'],
    dlq: true,
  },
  webhookEndpoints: {
    name: 'webhook.endpoints.v1',
    description:
      'Partner webhook endpoints (URL, subscribed event types, sealed signing secrets) from the gateway’s ' +
      'transactional outbox; the dispatcher reads the whole topic into memory. Compacted: the latest ' +
      'record per endpoint is kept forever, a tombstone (empty value) deletes it.',
    partitions: 1,
    cleanupPolicy: 'compact',
    retentionMs: FOREVER,
    key: 'endpoint id',
    eventTypes: [WEBHOOK_ENDPOINT_V1],
    producers: ['gateway'],
    consumers: ['webhook-dispatcher'],
    dlq: true,
  },
  webhookCommands: {
    name: 'webhooks.commands.v1',
    description:
      'Operator commands for the dispatcher from the management API: re-send one message to an endpoint, ' +
      'or recover every failed message of an endpoint since a time.',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    key: 'endpoint id',
    eventTypes: [WEBHOOK_COMMAND_V1],
    producers: ['gateway'],
    consumers: ['webhook-dispatcher'],
    dlq: true,
  },
  webhookDispatch: {
    name: 'webhooks.dispatch.v1',
    description:
      'One webhook to deliver to one endpoint, written by the dispatcher when it fans an event out. A ' +
      'failed attempt is re-produced to the retry tier of its next delay (immediately, 5 s, 5 min, 30 min, ' +
      '2 h, 5 h, 10 h, 10 h: the last two share .retry-10h), whose consumer holds it until due; after the ' +
      'last attempt it goes to the DLQ.',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    // By endpoint so a partition's records concern few endpoints and one endpoint's pace is one consumer's.
    key: 'endpoint id',
    eventTypes: [WEBHOOK_DISPATCH_V1],
    producers: ['webhook-dispatcher'],
    consumers: ['webhook-dispatcher'],
    dlq: true,
    retryTiers: ['5s', '5m', '30m', '2h', '5h', '10h'],
  },
  webhooksInbound: {
    name: 'webhooks.inbound.v1',
    description: 'Partner webhooks whose signature the gateway verified, for the transformer to map.',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    key: 'integration id',
    eventTypes: [WEBHOOK_RECEIVED_V1],
    producers: ['gateway'],
    consumers: ['transformer'],
    dlq: true,
  },
  webhookDeliveries: {
    name: 'webhooks.deliveries.v1',
    description:
      'One record per webhook delivery attempt: the delivery log and endpoint health are built from it.',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    key: 'webhook id (webhook-id), so the attempts of one webhook stay in order',
    eventTypes: [WEBHOOK_DELIVERY_V1],
    producers: ['webhook-dispatcher'],
    consumers: ['gateway', 'health-monitor'],
    dlq: true,
  },
  syncCommands: {
    name: 'sync.commands.v1',
    description:
      'Operator requests from the management API to the orchestrator’s sync engine: run a sync job now, ' +
      'settle a conflict held for a person.',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    // By integration: one integration's jobs and resolutions are handled in the order they were asked.
    key: 'integration id',
    eventTypes: [SYNC_COMMAND_V1],
    producers: ['gateway'],
    consumers: ['orchestrator'],
    dlq: true,
  },
  syncEvents: {
    name: 'sync.events.v1',
    description:
      'Sync jobs and conflicts as they change (each update with a growing sequence), from the ' +
      'orchestrator; the gateway keeps the latest of each for the management API. Open conflicts carry ' +
      'both versions of the record.',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    key: 'integration id',
    eventTypes: [SYNC_JOB_V1, SYNC_CONFLICT_V1],
    producers: ['orchestrator'],
    consumers: ['gateway'],
    dlq: true,
  },
  integrationEvents: {
    name: 'integration.events.v1',
    description:
      'Lifecycle of every message at every step. The gateway builds events and jobs from it, the health ' +
      'monitor integration health.',
    partitions: HIGH_VOLUME,
    cleanupPolicy: 'delete',
    retentionMs: REPLAY_WINDOW_MS,
    // By integration so one health-monitor instance sees all of an integration's events and can count
    // rates in memory with no shared state.
    key: 'integration id',
    eventTypes: [INTEGRATION_LIFECYCLE_V1],
    producers: ['gateway', 'transformer', 'orchestrator', ...ADAPTERS, 'webhook-dispatcher'],
    consumers: ['gateway', 'health-monitor'],
    dlq: true,
  },
  integrationConfig: {
    name: 'integration.config.v1',
    description:
      'Integration configurations from the gateway’s transactional outbox; every other service reads the ' +
      'whole topic into memory. Compacted: the latest record per integration is kept forever, a tombstone ' +
      '(empty value) deletes it.',
    partitions: 1,
    cleanupPolicy: 'compact',
    retentionMs: FOREVER,
    key: 'integration id',
    eventTypes: [INTEGRATION_CONFIG_V1],
    producers: ['gateway'],
    consumers: ALL_SERVICES.filter((service) => service !== 'gateway'),
    dlq: true,
  },
  alerts: {
    name: 'alerts.v1',
    description: 'Alerts raised by the health monitor; the gateway keeps them for the management API.',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    key: 'integration id, or the rule name for platform-wide alerts',
    eventTypes: [ALERT_V1],
    producers: ['health-monitor'],
    consumers: ['gateway'],
    dlq: true,
  },
  serviceHeartbeats: {
    name: 'service.heartbeats.v1',
    description: 'A heartbeat from every service instance; the health monitor notices the ones that stop.',
    partitions: DEFAULT,
    cleanupPolicy: 'delete',
    // A heartbeat is worth nothing after a few intervals; a day covers any investigation of yesterday.
    retentionMs: DAY_MS,
    key: '"<service>/<instanceId>"',
    eventTypes: [SERVICE_HEARTBEAT_V1],
    producers: ALL_SERVICES,
    consumers: ['health-monitor'],
    dlq: true,
  },
  dlqRedriveAudit: {
    name: 'ops.dlq-redrive.audit.v1',
    description:
      'Audit trail of dead letters re-produced to their topics, written by the management API and the ' +
      'DLQ CLI before each redrive. Kept forever; read by auditors, not by a service.',
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    key: '"<dlqTopic>/<partition>@<offset>": the redriven record\'s position in its DLQ',
    eventTypes: [DLQ_REDRIVE_V1],
    producers: ['gateway'],
    consumers: [],
    dlq: false,
  },
} satisfies Record<string, TopicDefinition>;

export type TopicKey = keyof typeof definitions;

/** The single source of truth for topic names, keys and settings. Provisioning creates topics from it. */
export const TOPICS: Readonly<Record<TopicKey, TopicDefinition>> = freezeDeep(definitions);

export function dlqTopicName(topic: string): string {
  return `${topic}.dlq`;
}

function deadLetterDefinition(source: TopicDefinition): TopicDefinition {
  return {
    name: dlqTopicName(source.name),
    description:
      `Dead letters of ${source.name}: records its consumers could not process, with the original key, ` +
      'value, headers and timestamp and the dlq.* headers saying why. Read on demand by the DLQ CLI and ' +
      'the management API (inspect, redrive); no consumer group subscribes.',
    partitions: source.partitions,
    cleanupPolicy: 'delete',
    retentionMs: DLQ_RETENTION_MS,
    key: `the original key (${source.key})`,
    eventTypes: [...source.eventTypes],
    producers: [...source.consumers],
    consumers: [],
    dlq: false,
    deadLetterOf: source.name,
  };
}

function retryDefinitions(source: TopicDefinition): TopicDefinition[] {
  return (source.retryTiers ?? []).map((tier) => ({
    name: retryTopicName(source.name, tier),
    description:
      `Records of ${source.name} waiting ${tier} for another attempt: re-produced here by its consumers ` +
      'with the time they are due; the consumer of this tier holds each until then and processes it like ' +
      'the original. Failures go on to the next tier or to the DLQ of the source topic.',
    partitions: source.partitions,
    cleanupPolicy: 'delete',
    retentionMs: source.retentionMs,
    key: `the original key (${source.key})`,
    eventTypes: [...source.eventTypes],
    producers: [...source.consumers],
    consumers: [...source.consumers],
    dlq: false,
    retryOf: source.name,
  }));
}

const allDefinitions: readonly TopicDefinition[] = freezeDeep(
  Object.values(TOPICS).flatMap((topic) => [
    topic,
    ...retryDefinitions(topic),
    ...(topic.dlq ? [deadLetterDefinition(topic)] : []),
  ]),
);

/** Every topic to provision: the registry's, each followed by its retry tiers and its DLQ where it has them. */
export function allTopicDefinitions(): TopicDefinition[] {
  return [...allDefinitions];
}

export function topicDefinitionByName(name: string): TopicDefinition | undefined {
  return allDefinitions.find((topic) => topic.name === name);
}

/** A topic's retry-tier topics, shortest delay first (none for most topics). */
export function retryTopicsOf(topic: TopicDefinition): TopicDefinition[] {
  return allDefinitions.filter((candidate) => candidate.retryOf === topic.name);
}

/** The topics a service subscribes to (DLQs excluded: they are read on demand; retry tiers too). */
export function topicsConsumedBy(service: ServiceName): TopicDefinition[] {
  return Object.values(TOPICS).filter((topic) => topic.consumers.includes(service));
}

/** The topics a service writes to (DLQs excluded). */
export function topicsProducedBy(service: ServiceName): TopicDefinition[] {
  return Object.values(TOPICS).filter((topic) => topic.producers.includes(service));
}
