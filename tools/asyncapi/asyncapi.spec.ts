import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTopicDefinitions, CE, CONTENT_TYPE, DLQ_HEADERS, TOPICS } from '@meridian/contracts';
import {
  ASYNCAPI_OUTPUT_PATH,
  buildAsyncApiDocument,
  renderAsyncApiYaml,
  workspaceRoot,
} from './generate-asyncapi';

type Doc = {
  channels: Record<string, Channel>;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[] }>;
  components: { schemas: Record<string, Schema> };
};
type Channel = {
  address: string;
  description: string;
  messages: Record<string, Message>;
  bindings: { kafka: { partitions: number; topicConfiguration: Record<string, unknown> } };
};
type Message = {
  headers: { $ref: string };
  payload: { $ref?: string };
  bindings: { kafka: { key: { description: string } } };
};
type Schema = { required?: string[]; properties?: Record<string, { const?: unknown }> };

const doc = buildAsyncApiDocument() as Doc;

function resolve(ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], doc);
}

function allRefs(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(allRefs);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [value] : allRefs(value),
  );
}

describe('docs/asyncapi.yaml', () => {
  it('is up to date with the contracts registry', () => {
    const path = join(workspaceRoot(__dirname), ASYNCAPI_OUTPUT_PATH);
    const onDisk = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (onDisk !== renderAsyncApiYaml()) {
      throw new Error(
        `${ASYNCAPI_OUTPUT_PATH} is out of date with libs/contracts: run \`npm run asyncapi\` to regenerate it`,
      );
    }
    expect(onDisk).toBe(renderAsyncApiYaml());
  });
});

describe(buildAsyncApiDocument.name, () => {
  it('is an AsyncAPI 3.0 document for Meridian with a Kafka server whose host is a variable', () => {
    expect(doc).toMatchObject({
      asyncapi: '3.0.0',
      info: { title: 'Meridian' },
      servers: {
        kafka: { protocol: 'kafka', host: '{bootstrapServer}', variables: { bootstrapServer: {} } },
      },
    });
  });

  it('has one channel per topic, DLQs included, addressed by topic name with its partitions and cleanup', () => {
    const channels = Object.values(doc.channels);
    expect(channels.map((channel) => channel.address)).toEqual(
      allTopicDefinitions().map((topic) => topic.name),
    );
    for (const topic of allTopicDefinitions()) {
      const channel = channels.find((candidate) => candidate.address === topic.name) as Channel;
      expect(channel.bindings.kafka.partitions).toBe(topic.partitions);
      expect(channel.bindings.kafka.topicConfiguration).toEqual({
        'cleanup.policy': [topic.cleanupPolicy],
        'retention.ms': topic.retentionMs,
      });
      expect(channel.description).toContain(`Key: ${topic.key}`);
    }
  });

  it('resolves every $ref', () => {
    const refs = allRefs(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect([ref, resolve(ref) !== undefined]).toEqual([ref, true]);
  });

  it('has a send operation per producer and a receive operation per consumer, on that topic’s messages', () => {
    for (const topic of allTopicDefinitions()) {
      const [channelId] =
        Object.entries(doc.channels).find(([, channel]) => channel.address === topic.name) ?? [];
      const onChannel = Object.values(doc.operations).filter(
        (operation) => operation.channel.$ref === `#/channels/${channelId}`,
      );
      expect(onChannel.filter((operation) => operation.action === 'send')).toHaveLength(
        topic.producers.length,
      );
      expect(onChannel.filter((operation) => operation.action === 'receive')).toHaveLength(
        topic.consumers.length,
      );
      for (const operation of onChannel) {
        for (const ref of operation.messages)
          expect(ref.$ref.startsWith(`#/channels/${channelId}/messages/`)).toBe(true);
      }
    }
  });

  it('tells an upstream publisher of hl7.v2.inbound.v1 the key and every header to set', () => {
    const channel = doc.channels.hl7Inbound;
    expect(channel.address).toBe(TOPICS.hl7Inbound.name);
    const message = channel.messages.hl7V2ReceivedV1;
    expect(message.bindings.kafka.key.description).toContain('<MSH-4.1>|<PID-3.1>');
    const headers = resolve(message.headers.$ref) as Schema;
    expect(headers.required).toEqual([CE.specversion, CE.id, CE.source, CE.type, CE.time, CONTENT_TYPE]);
    expect(headers.properties?.[CE.type]?.const).toBe('org.meridian.hl7.v2.received.v1');
    expect(headers.properties?.[CONTENT_TYPE]?.const).toBe('x-application/hl7-v2+er7');
    expect(headers.properties?.[CE.specversion]?.const).toBe('1.0');
    for (const header of [...(headers.required ?? []), 'x-application/hl7-v2+er7', 'GOODHEALTH|MRN-000123']) {
      expect(channel.description).toContain(header);
    }
  });

  it('gives DLQ channels the dlq.* headers, all required, and the original bytes as payload', () => {
    const channel = doc.channels.hl7InboundDlq;
    expect(channel.address).toBe('hl7.v2.inbound.v1.dlq');
    const message = Object.values(channel.messages)[0];
    const headers = resolve(message.headers.$ref) as Schema;
    expect(headers.required).toEqual(Object.values(DLQ_HEADERS));
    expect(message.payload.$ref).toBeUndefined();
  });

  it('renders the same YAML every time', () => {
    expect(renderAsyncApiYaml()).toBe(renderAsyncApiYaml());
  });
});
