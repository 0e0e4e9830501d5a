// Builds the AsyncAPI 3.0 document of every Meridian topic from the contracts registry, and writes it
// to docs/asyncapi.yaml when run as a script. Upstream systems publish from this document alone, so
// inbound channels spell out the key and every header. Edit the registry, never the YAML.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  allTopicDefinitions,
  CE,
  CONTENT_TYPE,
  CONTRACTS_VERSION,
  createCloudEvent,
  DLQ_HEADERS,
  DLQ_STAGES,
  encodeCloudEvent,
  eventTypeOf,
  isServiceName,
  REDRIVE_HEADERS,
  serviceSource,
  TOPICS,
  type EventTypeDefinition,
  type TopicDefinition,
} from '@meridian/contracts';
import { toYaml } from './yaml-writer';

export const ASYNCAPI_OUTPUT_PATH = 'docs/asyncapi.yaml';

const KAFKA_BINDING_VERSION = '0.5.0';
const DEAD_LETTER_HEADERS = 'DeadLetterHeaders';
// Fixed so the rendered document only changes when the contracts do.
const EXAMPLE_ID = '5b0f7c52-8a0e-4d55-9d1b-0c6f3e2a9b41';
const EXAMPLE_TIME = '2025-01-14T08:30:00Z';
const EXAMPLE_UPSTREAM_SOURCE = '/goodhealth/adt';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export function buildAsyncApiDocument(): object {
  const topics = allTopicDefinitions();
  const channels: JsonObject = {};
  const operations: JsonObject = {};
  for (const topic of topics) {
    const channelId = channelIdOf(topic);
    channels[channelId] = channel(topic);
    Object.assign(operations, operationsOf(topic, channelId));
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Meridian',
      version: CONTRACTS_VERSION,
      description: INFO_DESCRIPTION,
      externalDocs: {
        description: 'CloudEvents 1.0 Kafka protocol binding (binary content mode)',
        url: 'https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md',
      },
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: '{bootstrapServer}',
        protocol: 'kafka',
        description:
          'The Kafka cluster of a Meridian deployment. Topics are created by provisioning from the contracts ' +
          'registry, never by auto-creation: producing to a topic not in this document fails.',
        variables: {
          bootstrapServer: {
            default: 'localhost:9092',
            description: 'host:port of a bootstrap broker of the deployment (ask its operators).',
          },
        },
      },
    },
    channels,
    operations,
    components: {
      schemas: schemas(),
      correlationIds: {
        correlationId: {
          description:
            'Shared by every event that stems from one inbound message; the first event sets it to its own ce_id.',
          location: `$message.header#/${CE.correlationId}`,
        },
      },
    },
  };
}

export function renderAsyncApiYaml(): string {
  return (
    '# Generated from libs/contracts by tools/asyncapi/generate-asyncapi.ts. Do not edit by hand:\n' +
    '# change the contracts registry and run `npm run asyncapi`.\n' +
    toYaml(buildAsyncApiDocument())
  );
}

/** Writes docs/asyncapi.yaml under the workspace root and returns its path. */
export function writeAsyncApiYaml(root: string = workspaceRoot(__dirname)): string {
  const path = join(root, ASYNCAPI_OUTPUT_PATH);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderAsyncApiYaml());
  return path;
}

/** The nearest directory holding nx.json: the same from the TypeScript source and from dist/. */
export function workspaceRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${start}: not inside the workspace`);
    dir = parent;
  }
  return dir;
}

const INFO_DESCRIPTION = [
  'Every Kafka topic of the Meridian healthcare integration platform, generated from the contracts registry',
  '(libs/contracts), which is the single source of truth for topic names, keys, event types and headers.',
  '',
  'Envelope: every record is a CloudEvents 1.0 event in Kafka binary mode. The record value is the event',
  'data itself (JSON, or text such as HL7 v2 ER7); the attributes travel as headers with UTF-8 string',
  'values: ce_specversion, ce_id, ce_source, ce_type, ce_time and content-type are required, plus optional',
  'ce_subject, ce_dataschema and the platform extensions ce_correlationid, ce_causationid, ce_integrationid',
  'and ce_traceparent. No SDK is needed to publish.',
  '',
  'Keys and order: records are keyed by the entity they concern, so one key stays on one partition and is',
  'processed in order. Each channel states its key.',
  '',
  'Delivery: at least once. Consumers deduplicate on (ce_source, ce_id), so re-send a message with the same',
  'ce_id. Producers should be idempotent with acks=all.',
  '',
  "Failures: a record a consumer cannot process goes to the topic's dead letter topic <topic>.dlq with its",
  'original key, value and headers plus dlq.* headers saying why. Nothing is dropped silently. Dead letters',
  'can be re-driven (same key, same ce_id, plus redrive.count and redrive.at headers); every redrive is',
  'audited on ops.dlq-redrive.audit.v1.',
  '',
  'Versioning: topic names and event types are frozen. Additive optional fields keep the version and',
  'readers ignore fields they do not know; a breaking change is a new .v2 topic or type published beside v1.',
].join('\n');

function channelIdOf(topic: TopicDefinition): string {
  const source = topic.deadLetterOf ?? topic.retryOf ?? topic.name;
  const key = Object.entries(TOPICS).find(([, candidate]) => candidate.name === source)?.[0];
  if (key === undefined) throw new Error(`topic ${source} is not in the registry`);
  if (topic.deadLetterOf !== undefined) return `${key}Dlq`;
  // `webhooks.dispatch.v1.retry-5s` → `webhookDispatchRetry5s`
  if (topic.retryOf !== undefined) return `${key}${pascalCase(topic.name.slice(source.length + 1))}`;
  return key;
}

function definitionsOf(topic: TopicDefinition): EventTypeDefinition[] {
  return topic.eventTypes.map((type) => {
    const definition = eventTypeOf(type);
    if (definition === undefined) throw new Error(`topic ${topic.name} carries unregistered type ${type}`);
    return definition;
  });
}

/** `org.meridian.hl7.v2.received.v1` → `hl7V2ReceivedV1`. */
function messageIdOf(definition: EventTypeDefinition): string {
  return camelCase(definition.type.replace(/^org\.meridian\./, ''));
}

function messageIdsOf(topic: TopicDefinition): string[] {
  return definitionsOf(topic).map((definition) =>
    topic.deadLetterOf === undefined ? messageIdOf(definition) : `${messageIdOf(definition)}DeadLetter`,
  );
}

function channel(topic: TopicDefinition): JsonObject {
  const messages: JsonObject = {};
  const ids = messageIdsOf(topic);
  definitionsOf(topic).forEach((definition, index) => {
    messages[ids[index]] =
      topic.deadLetterOf === undefined ? message(topic, definition) : deadLetterMessage(topic, definition);
  });
  return {
    address: topic.name,
    title: topic.name,
    description: channelDescription(topic),
    messages,
    bindings: {
      kafka: {
        topic: topic.name,
        partitions: topic.partitions,
        topicConfiguration: {
          'cleanup.policy': [topic.cleanupPolicy],
          'retention.ms': topic.retentionMs,
        },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

function channelDescription(topic: TopicDefinition): string {
  const lines = [
    topic.description,
    '',
    `Key: ${topic.key}.`,
    `Partitions: ${topic.partitions}. Cleanup policy: ${topic.cleanupPolicy}. Retention: ${retention(topic.retentionMs)}.`,
    `Producers: ${list(topic.producers)}. Consumers: ${list(topic.consumers)}.`,
  ];
  if (topic.dlq) lines.push(`Dead letters go to ${topic.name}.dlq.`);
  if (topic.external === true) {
    for (const definition of definitionsOf(topic)) lines.push('', ...publishingGuide(topic, definition));
  }
  return lines.join('\n');
}

/** What an upstream system needs to publish here without Meridian's code. */
function publishingGuide(topic: TopicDefinition, definition: EventTypeDefinition): string[] {
  return [
    `Publishing ${definition.type} from outside Meridian: produce one record per message (idempotent producer, acks=all) with`,
    `- key: ${topic.key}`,
    `- value: ${definition.schema?.description ?? definition.description}`,
    '- headers, all values UTF-8 strings:',
    `  - ${CE.specversion}: 1.0`,
    `  - ${CE.id}: an id unique within your source, e.g. a UUID; reuse it when re-sending the same message`,
    `  - ${CE.source}: a URI reference naming your system, e.g. ${EXAMPLE_UPSTREAM_SOURCE}`,
    `  - ${CE.type}: ${definition.type}`,
    `  - ${CE.time}: when the event happened, RFC 3339, e.g. ${EXAMPLE_TIME}`,
    `  - ${CONTENT_TYPE}: ${definition.contentType}`,
    `  - optional: ${CE.integrationId} (the integration id Meridian gave your feed), ${CE.correlationId},` +
      ` ${CE.subject}, ${CE.traceparent}`,
    `A record that cannot be decoded or fails validation is not dropped: it goes to ${topic.name}.dlq with the reason.`,
  ];
}

function message(topic: TopicDefinition, definition: EventTypeDefinition): JsonObject {
  const schemaName = pascalCase(messageIdOf(definition));
  return {
    name: definition.type,
    title: definition.type,
    summary: definition.description,
    contentType: definition.contentType,
    headers: { $ref: `#/components/schemas/${schemaName}Headers` },
    payload: { $ref: `#/components/schemas/${schemaName}Payload` },
    correlationId: { $ref: '#/components/correlationIds/correlationId' },
    bindings: {
      kafka: { key: { type: 'string', description: topic.key }, bindingVersion: KAFKA_BINDING_VERSION },
    },
    examples: [
      {
        name: 'golden',
        summary: 'Synthetic data; no real patient.',
        headers: exampleHeaders(topic, definition),
        payload: definition.example as Json,
      },
    ],
  };
}

function deadLetterMessage(topic: TopicDefinition, definition: EventTypeDefinition): JsonObject {
  return {
    name: `${definition.type} (dead letter)`,
    title: `${definition.type} (dead letter)`,
    summary: `A ${definition.type} record a consumer of ${topic.deadLetterOf} could not process.`,
    contentType: definition.contentType,
    headers: { $ref: `#/components/schemas/${DEAD_LETTER_HEADERS}` },
    payload: {
      description:
        `The original value, byte for byte. Usually a valid ${definition.type} payload, but it need not be: ` +
        'that can be why it is here (dlq.stage says where it failed).',
    },
    bindings: {
      kafka: { key: { type: 'string', description: topic.key }, bindingVersion: KAFKA_BINDING_VERSION },
    },
  };
}

function exampleHeaders(topic: TopicDefinition, definition: EventTypeDefinition): JsonObject {
  const producer = topic.producers.find(isServiceName);
  const source =
    topic.external === true || producer === undefined ? EXAMPLE_UPSTREAM_SOURCE : serviceSource(producer);
  const event = createCloudEvent({
    id: EXAMPLE_ID,
    time: EXAMPLE_TIME,
    source,
    type: definition.type,
    correlationid: EXAMPLE_ID,
    data: definition.example,
  });
  return encodeCloudEvent(event).headers;
}

function operationsOf(topic: TopicDefinition, channelId: string): JsonObject {
  const operations: JsonObject = {};
  const messages = messageIdsOf(topic).map((id) => ({ $ref: `#/channels/${channelId}/messages/${id}` }));
  const channelRef = { $ref: `#/channels/${channelId}` };
  for (const producer of topic.producers) {
    operations[`${camelCase(producer)}Send${pascalCase(channelId)}`] = {
      action: 'send',
      channel: channelRef,
      summary:
        topic.deadLetterOf === undefined
          ? `${producer} publishes to ${topic.name}.`
          : `${producer} writes records of ${topic.deadLetterOf} it could not process.`,
      messages,
    };
  }
  for (const consumer of topic.consumers) {
    operations[`${camelCase(consumer)}Receive${pascalCase(channelId)}`] = {
      action: 'receive',
      channel: channelRef,
      summary: `${consumer} consumes ${topic.name} in its own consumer group.`,
      messages,
    };
  }
  return operations;
}

function schemas(): JsonObject {
  const result: JsonObject = {};
  const seen = new Set<string>();
  for (const topic of allTopicDefinitions()) {
    for (const definition of definitionsOf(topic)) {
      if (seen.has(definition.type)) continue;
      seen.add(definition.type);
      const name = pascalCase(messageIdOf(definition));
      result[`${name}Headers`] = cloudEventHeaders(definition);
      if (definition.schema === undefined) throw new Error(`${definition.type} has no JSON Schema`);
      result[`${name}Payload`] = definition.schema as unknown as Json;
    }
  }
  result[DEAD_LETTER_HEADERS] = deadLetterHeaders();
  return result;
}

function cloudEventHeaders(definition: EventTypeDefinition): JsonObject {
  return {
    type: 'object',
    description: 'CloudEvents 1.0 attributes in Kafka binary mode. Every header value is a UTF-8 string.',
    required: [CE.specversion, CE.id, CE.source, CE.type, CE.time, CONTENT_TYPE],
    properties: {
      [CE.specversion]: { type: 'string', const: '1.0' },
      [CE.id]: {
        type: 'string',
        minLength: 1,
        description:
          'Unique within ce_source. Consumers deduplicate on (ce_source, ce_id): a re-send keeps the id.',
      },
      [CE.source]: {
        type: 'string',
        minLength: 1,
        description: `URI reference naming the producer: /meridian/<service> for Meridian, e.g. ${EXAMPLE_UPSTREAM_SOURCE} for others.`,
      },
      [CE.type]: { type: 'string', const: definition.type },
      [CE.time]: { type: 'string', format: 'date-time', description: 'When the event happened (RFC 3339).' },
      [CONTENT_TYPE]: { type: 'string', const: definition.contentType },
      ...optionalCloudEventHeaders(),
      ...redriveHeaders(),
    },
  };
}

function optionalCloudEventHeaders(): JsonObject {
  return {
    [CE.subject]: { type: 'string', description: 'What the event is about, within the source.' },
    [CE.dataschema]: { type: 'string', description: 'URI of the schema the data follows.' },
    [CE.correlationId]: {
      type: 'string',
      description: 'Shared by every event that stems from one inbound message.',
    },
    [CE.causationId]: { type: 'string', description: 'The ce_id of the event that caused this one.' },
    [CE.integrationId]: { type: 'string', description: 'The Meridian integration the record belongs to.' },
    [CE.traceparent]: { type: 'string', description: 'W3C Trace Context traceparent of the producing span.' },
  };
}

function redriveHeaders(): JsonObject {
  return {
    [REDRIVE_HEADERS.count]: {
      type: 'string',
      pattern: '^[0-9]+$',
      description: 'Only on a record re-driven from a DLQ: how many times it has been re-driven.',
    },
    [REDRIVE_HEADERS.at]: {
      type: 'string',
      format: 'date-time',
      description: 'Only on a record re-driven from a DLQ: when (RFC 3339).',
    },
  };
}

function deadLetterHeaders(): JsonObject {
  const decimal = { type: 'string', pattern: '^[0-9]+$' };
  return {
    type: 'object',
    description:
      'The original record’s headers, unchanged (the ce_* headers and content-type as far as the original had ' +
      'them: a missing one may be why it is here), plus the dlq.* headers. Every value is a UTF-8 string.',
    required: Object.values(DLQ_HEADERS),
    properties: {
      [DLQ_HEADERS.originalTopic]: { type: 'string', description: 'The topic the record was consumed from.' },
      [DLQ_HEADERS.originalPartition]: { ...decimal, description: 'Its partition there.' },
      [DLQ_HEADERS.originalOffset]: { ...decimal, description: 'Its offset there (64-bit).' },
      [DLQ_HEADERS.originalTimestamp]: {
        ...decimal,
        description: 'Its record timestamp, ms since the epoch.',
      },
      [DLQ_HEADERS.consumerGroup]: {
        type: 'string',
        description: 'The consumer group that failed to process it.',
      },
      [DLQ_HEADERS.stage]: { type: 'string', enum: [...DLQ_STAGES], description: 'Where processing failed.' },
      [DLQ_HEADERS.exceptionClass]: { type: 'string', description: 'The error class or code.' },
      [DLQ_HEADERS.exceptionMessage]: {
        type: 'string',
        description: 'What went wrong, written by the consumer; never quotes the payload (no PHI).',
      },
      [DLQ_HEADERS.attempts]: { ...decimal, description: 'Attempts made (1 when the error was permanent).' },
      [DLQ_HEADERS.failedAt]: {
        type: 'string',
        format: 'date-time',
        description: 'When it was dead-lettered.',
      },
      [CE.specversion]: { type: 'string' },
      [CE.id]: { type: 'string' },
      [CE.source]: { type: 'string' },
      [CE.type]: { type: 'string' },
      [CE.time]: { type: 'string' },
      [CONTENT_TYPE]: { type: 'string' },
      ...optionalCloudEventHeaders(),
      ...redriveHeaders(),
    },
  };
}

function retention(ms: number): string {
  if (ms === -1) return 'forever';
  const day = 24 * 60 * 60 * 1000;
  return ms % day === 0 ? `${ms / day} day${ms === day ? '' : 's'}` : `${ms / (60 * 60 * 1000)} hours`;
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}

function camelCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part, index) => (index === 0 ? part : part[0].toUpperCase() + part.slice(1)))
    .join('');
}

function pascalCase(text: string): string {
  const camel = camelCase(text);
  return camel[0].toUpperCase() + camel.slice(1);
}

if (require.main === module) {
  console.log(`wrote ${writeAsyncApiYaml()}`);
}
