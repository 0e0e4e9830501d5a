/**
 * Creates every topic of the contracts registry (and its DLQ) that is missing. Idempotent: run it
 * before the services start (tools/start does; Helm runs it as a hook, compose as a one-shot).
 * Env: KAFKA_BROKERS (required), KAFKA_REPLICATION_FACTOR (default 1), and the services' Kafka
 * TLS/SASL variables (KAFKA_SSL*, KAFKA_SASL_*: libs/kafka/README.md).
 */
import 'reflect-metadata';
import { allTopicDefinitions } from '@meridian/contracts';
import {
  createKafkaClient,
  explainClientError,
  kafkaSecurityFromEnv,
  provisionTopics,
  type ProvisionReport,
} from '@meridian/kafka';

/** Provisions the registry's topics on the cluster that `env` names; prints and returns the report. */
export async function provisionFromEnv(
  env: Record<string, string | undefined> = process.env,
): Promise<ProvisionReport> {
  const brokers = env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is required (host:port[,host:port...])');
  const replicationFactor = Number(env.KAFKA_REPLICATION_FACTOR ?? '1');
  const kafka = createKafkaClient({
    brokers: brokers.split(','),
    clientId: 'meridian-provisioner',
    security: kafkaSecurityFromEnv(env),
  });
  const admin = kafka.admin();
  await admin.connect().catch((error: unknown) => {
    throw explainClientError(kafka, error);
  });
  try {
    const report = await provisionTopics(admin, allTopicDefinitions(), { replicationFactor });
    process.stdout.write(
      `topics: ${report.created.length} created, ${report.unchanged.length} already present\n` +
        report.partitionMismatches
          .map((m) => `WARNING ${m.topic} has ${m.actual} partitions, the registry says ${m.expected}\n`)
          .join(''),
    );
    return report;
  } finally {
    await admin.disconnect();
  }
}

if (require.main === module) {
  provisionFromEnv().catch((error: unknown) => {
    process.stderr.write(`provisioning failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
