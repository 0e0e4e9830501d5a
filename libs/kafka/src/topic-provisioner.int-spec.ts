import { allTopicDefinitions, type TopicDefinition } from '@meridian/contracts';
import { testKafka, uniqueName } from '@meridian/testing';
import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { provisionTopics } from './topic-provisioner';

describe('provisionTopics (real broker)', () => {
  let admin: Admin;

  beforeAll(async () => {
    admin = testKafka().admin();
    await admin.connect();
  });

  afterAll(() => admin.disconnect());

  it('creates missing topics with their partitions and configs, and a second run changes nothing', async () => {
    const compacted: TopicDefinition = {
      ...allTopicDefinitions()[0],
      name: uniqueName('test.provision.compacted'),
      partitions: 2,
      cleanupPolicy: 'compact',
      retentionMs: -1,
    };
    const deleted: TopicDefinition = {
      ...compacted,
      name: uniqueName('test.provision.deleted'),
      partitions: 3,
      cleanupPolicy: 'delete',
      retentionMs: 86_400_000,
    };

    const first = await provisionTopics(admin, [compacted, deleted]);
    expect(first.created.sort()).toEqual([compacted.name, deleted.name].sort());

    const second = await provisionTopics(admin, [compacted, deleted]);
    expect(second).toEqual({
      created: [],
      unchanged: [compacted.name, deleted.name],
      partitionMismatches: [],
    });

    const metadata = await admin.fetchTopicMetadata({ topics: [compacted.name, deleted.name] });
    expect(metadata.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual(
      [
        [compacted.name, 2],
        [deleted.name, 3],
      ].sort(),
    );
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: compacted.name,
          configNames: ['cleanup.policy', 'retention.ms', 'min.insync.replicas'],
        },
      ],
    });
    const entries = Object.fromEntries(
      configs.resources[0].configEntries.map((e) => [e.configName, e.configValue]),
    );
    expect(entries).toEqual({
      'cleanup.policy': 'compact',
      'retention.ms': '-1',
      'min.insync.replicas': '1',
    });
  });

  it('provisions the whole registry, DLQs included, idempotently', async () => {
    const definitions = allTopicDefinitions();
    await provisionTopics(admin, definitions);
    const again = await provisionTopics(admin, definitions);
    expect(again.created).toEqual([]);
    expect(again.partitionMismatches).toEqual([]);
    const topics = new Set(await admin.listTopics());
    expect(definitions.filter((d) => !topics.has(d.name))).toEqual([]);
  });

  it('reports a partition count that differs from the registry instead of changing it', async () => {
    const definition: TopicDefinition = {
      ...allTopicDefinitions()[0],
      name: uniqueName('test.provision.mismatch'),
      partitions: 1,
    };
    await provisionTopics(admin, [definition]);
    const report = await provisionTopics(admin, [{ ...definition, partitions: 4 }]);
    expect(report.partitionMismatches).toEqual([{ topic: definition.name, expected: 4, actual: 1 }]);
  });
});
