/**
 * Creates every topic of the contracts registry (and its DLQ) that is missing. Idempotent: run it
 * before the services start (tools/start does; Helm runs it as a hook, compose as a one-shot).
 * Env: KAFKA_BROKERS (required), KAFKA_REPLICATION_FACTOR (default 1).
 */
import 'reflect-metadata';
import { allTopicDefinitions } from '@meridian/contracts';
import { createKafkaClient, provisionTopics } from '@meridian/kafka';

async function main(): Promise<void> {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is required (host:port[,host:port...])');
  const replicationFactor = Number(process.env.KAFKA_REPLICATION_FACTOR ?? '1');
  const admin = createKafkaClient({ brokers: brokers.split(','), clientId: 'meridian-provisioner' }).admin();
  await admin.connect();
  try {
    const report = await provisionTopics(admin, allTopicDefinitions(), { replicationFactor });
    process.stdout.write(
      `topics: ${report.created.length} created, ${report.unchanged.length} already present\n` +
        report.partitionMismatches
          .map((m) => `WARNING ${m.topic} has ${m.actual} partitions, the registry says ${m.expected}\n`)
          .join(''),
    );
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`provisioning failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
