import { EVENT_TYPES } from '../events/event-types';
import { SERVICE_NAMES } from '../services/service-names';
import { hl7InboundKey } from './hl7-inbound-key';
import { RETRY_TIER_DELAY_MS, RETRY_TIERS, retryTopicName } from './retry-tiers';
import {
  allTopicDefinitions,
  DLQ_RETENTION_MS,
  dlqTopicName,
  retryTopicsOf,
  topicDefinitionByName,
  TOPICS,
  topicsConsumedBy,
  topicsProducedBy,
} from './topics';

const topics = Object.values(TOPICS);
// Kafka's limit is 249 characters; the longest derived name must fit too.
const KAFKA_MAX_TOPIC_NAME = 249;

describe('TOPICS', () => {
  it('names the inbound HL7 topic as agreed', () => {
    expect(TOPICS.hl7Inbound.name).toBe('hl7.v2.inbound.v1');
  });

  it.each(topics.map((topic) => topic.name))(
    '%s follows <domain>.<dataset>.v<major> (dots and hyphens only)',
    (name) => {
      expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*\.v[1-9][0-9]*$/);
      expect(name).not.toContain('_');
      expect(retryTopicName(name, '30m').length).toBeLessThanOrEqual(KAFKA_MAX_TOPIC_NAME);
    },
  );

  it('has unique names, none reserved for DLQs or retry tiers', () => {
    const names = allTopicDefinitions().map((topic) => topic.name);
    expect(new Set(names).size).toBe(names.length);
    for (const topic of topics) expect(topic.name).not.toMatch(/\.(dlq|retry-[0-9a-z]+)$/);
  });

  it('carries only registered event types', () => {
    for (const topic of topics) {
      expect(topic.eventTypes.length).toBeGreaterThan(0);
      for (const type of topic.eventTypes) expect(Object.keys(EVENT_TYPES)).toContain(type);
    }
  });

  it('uses every registered event type somewhere', () => {
    const carried = new Set(topics.flatMap((topic) => topic.eventTypes));
    expect([...carried].sort()).toEqual(Object.keys(EVENT_TYPES).sort());
  });

  it('names only platform services as producers and consumers', () => {
    for (const topic of topics) {
      expect(topic.producers.length).toBeGreaterThan(0);
      for (const service of [...topic.producers, ...topic.consumers])
        expect(SERVICE_NAMES).toContain(service);
    }
  });

  it('gives a DLQ to exactly the topics that are consumed', () => {
    for (const topic of topics)
      expect([topic.name, topic.dlq]).toEqual([topic.name, topic.consumers.length > 0]);
  });

  it('has sane partitions, retention and keys', () => {
    for (const topic of topics) {
      expect(Number.isInteger(topic.partitions) && topic.partitions >= 1).toBe(true);
      expect(topic.retentionMs === -1 || topic.retentionMs > 0).toBe(true);
      expect(topic.key).toEqual(expect.stringMatching(/\S/));
      // A compacted topic is the current state: deleting old records by age would lose it.
      if (topic.cleanupPolicy === 'compact') expect(topic.retentionMs).toBe(-1);
    }
  });

  it('keeps the config topics compacted forever and the redrive audit forever without a DLQ', () => {
    for (const config of [TOPICS.integrationConfig, TOPICS.webhookEndpoints]) {
      expect(config).toMatchObject({ cleanupPolicy: 'compact', retentionMs: -1, partitions: 1 });
    }
    expect(TOPICS.dlqRedriveAudit).toMatchObject({
      name: 'ops.dlq-redrive.audit.v1',
      retentionMs: -1,
      dlq: false,
    });
  });

  it('lets upstream systems publish to the inbound topics only', () => {
    const external = topics.filter((topic) => topic.external === true).map((topic) => topic.name);
    expect(external.sort()).toEqual(['fhir.r4.inbound.v1', 'hl7.v2.inbound.v1', 'json.inbound.v1']);
  });

  it('is frozen', () => {
    expect(() => {
      (TOPICS.hl7Inbound as { name: string }).name = 'renamed';
    }).toThrow(TypeError);
    expect(() => TOPICS.hl7Inbound.consumers.push('gateway')).toThrow(TypeError);
  });
});

describe('derived topic names', () => {
  it('appends .dlq and .retry-<tier>', () => {
    expect(dlqTopicName('hl7.v2.inbound.v1')).toBe('hl7.v2.inbound.v1.dlq');
    expect(RETRY_TIERS.map((tier) => retryTopicName('fhir.r4.inbound.v1', tier))).toEqual([
      'fhir.r4.inbound.v1.retry-5s',
      'fhir.r4.inbound.v1.retry-30s',
      'fhir.r4.inbound.v1.retry-5m',
      'fhir.r4.inbound.v1.retry-30m',
      'fhir.r4.inbound.v1.retry-2h',
      'fhir.r4.inbound.v1.retry-5h',
      'fhir.r4.inbound.v1.retry-10h',
    ]);
  });

  it('lists the tiers shortest first, each named after its delay', () => {
    const delays = RETRY_TIERS.map((tier) => RETRY_TIER_DELAY_MS[tier]);
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    const unit = { s: 1000, m: 60_000, h: 3_600_000 } as const;
    for (const tier of RETRY_TIERS) {
      const [, amount, suffix] = /^(\d+)([smh])$/.exec(tier) ?? [];
      expect([tier, Number(amount) * unit[suffix as keyof typeof unit]]).toEqual([
        tier,
        RETRY_TIER_DELAY_MS[tier],
      ]);
    }
  });
});

describe('retry tiers in the registry', () => {
  it('gives webhooks.dispatch.v1 the delays of the webhook schedule after the first attempt', () => {
    expect(retryTopicsOf(TOPICS.webhookDispatch).map((topic) => topic.name)).toEqual([
      'webhooks.dispatch.v1.retry-5s',
      'webhooks.dispatch.v1.retry-5m',
      'webhooks.dispatch.v1.retry-30m',
      'webhooks.dispatch.v1.retry-2h',
      'webhooks.dispatch.v1.retry-5h',
      'webhooks.dispatch.v1.retry-10h',
    ]);
  });

  it('gives each retry topic its source’s partitions, key, event types and retention, read and written by its consumers', () => {
    for (const source of topics) {
      for (const retry of retryTopicsOf(source)) {
        expect(topicDefinitionByName(retry.name)).toMatchObject({
          partitions: source.partitions,
          cleanupPolicy: 'delete',
          retentionMs: source.retentionMs,
          eventTypes: source.eventTypes,
          producers: source.consumers,
          consumers: source.consumers,
          dlq: false,
          retryOf: source.name,
        });
        expect(retry.key).toContain(source.key);
      }
    }
  });

  it('keeps retry tiers off the ordered clinical streams and compacted topics', () => {
    const withTiers = topics.filter((topic) => (topic.retryTiers ?? []).length > 0).map((t) => t.name);
    expect(withTiers).toEqual(['webhooks.dispatch.v1']);
  });
});

describe(allTopicDefinitions.name, () => {
  const all = allTopicDefinitions();

  it('lists every registry topic, its retry tiers and one DLQ per consumed topic', () => {
    expect(all.filter((topic) => topic.deadLetterOf === undefined && topic.retryOf === undefined)).toEqual(
      topics,
    );
    expect(all.filter((topic) => topic.retryOf !== undefined)).toEqual(topics.flatMap(retryTopicsOf));
    expect(all.filter((topic) => topic.deadLetterOf !== undefined).map((topic) => topic.name)).toEqual(
      topics.filter((topic) => topic.dlq).map((topic) => `${topic.name}.dlq`),
    );
  });

  it('gives each DLQ its source’s partitions and event types, delete cleanup and 30 days', () => {
    for (const source of topics.filter((topic) => topic.dlq)) {
      expect(topicDefinitionByName(dlqTopicName(source.name))).toMatchObject({
        partitions: source.partitions,
        cleanupPolicy: 'delete',
        retentionMs: DLQ_RETENTION_MS,
        eventTypes: source.eventTypes,
        producers: source.consumers,
        consumers: [],
        dlq: false,
        deadLetterOf: source.name,
      });
    }
    expect(DLQ_RETENTION_MS).toBe(30 * 24 * 60 * 60 * 1000);
  });

  it('returns a copy the caller cannot use to change the registry', () => {
    allTopicDefinitions().pop();
    expect(allTopicDefinitions()).toHaveLength(all.length);
  });
});

describe('topics per service', () => {
  it('has the health monitor consume heartbeats, and every service produce them', () => {
    expect(topicsConsumedBy('health-monitor').map((topic) => topic.name)).toContain('service.heartbeats.v1');
    for (const service of SERVICE_NAMES) {
      expect(topicsProducedBy(service).map((topic) => topic.name)).toContain('service.heartbeats.v1');
    }
  });

  it('has every service but the gateway read the config topic', () => {
    for (const service of SERVICE_NAMES) {
      const consumesConfig = topicsConsumedBy(service).some(
        (topic) => topic.name === 'integration.config.v1',
      );
      expect([service, consumesConfig]).toEqual([service, service !== 'gateway']);
    }
  });

  it('gives the transformer the raw inbound topics', () => {
    expect(topicsConsumedBy('transformer').map((topic) => topic.name)).toEqual([
      'hl7.v2.inbound.v1',
      'json.inbound.v1',
      'webhooks.inbound.v1',
      'integration.config.v1',
    ]);
  });
});

describe(hl7InboundKey.name, () => {
  it('joins sending facility and patient identifier with a pipe, or is the facility alone', () => {
    expect(hl7InboundKey('GOODHEALTH', 'MRN-000123')).toBe('GOODHEALTH|MRN-000123');
    expect(hl7InboundKey('GOODHEALTH')).toBe('GOODHEALTH');
    expect(hl7InboundKey('GOODHEALTH', '')).toBe('GOODHEALTH');
    expect(() => hl7InboundKey('')).toThrow(TypeError);
  });
});
