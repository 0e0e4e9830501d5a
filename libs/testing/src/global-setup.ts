import { nameRunFhirServer } from './fhir-server';
import { createRunDatabase, findKafka, findPostgres, type Started } from './infrastructure';

declare global {
  var meridianTestInfrastructure: { stop: () => Promise<void> } | undefined;
}

/**
 * Jest global setup for integration tests: one real broker and a database of the run's own,
 * shared by every suite through KAFKA_BROKERS and DATABASE_URL (workers inherit the environment).
 */
export default async function globalSetup(): Promise<void> {
  const started: Started[] = [];
  const stop = async () => {
    for (const item of started.reverse()) await item.stop().catch(() => undefined);
  };
  globalThis.meridianTestInfrastructure = { stop };
  // The FHIR server starts only when a suite asks for it (fhirServer()); the teardown stops it.
  nameRunFhirServer();
  try {
    const kafka = await findKafka();
    started.push(kafka);
    const postgres = await findPostgres();
    started.push(postgres);
    const name = `meridian_test_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}`;
    const database = await createRunDatabase(postgres.value, name);
    started.push({ value: database.url, how: 'run database', stop: database.drop });

    process.env.KAFKA_BROKERS = kafka.value;
    process.env.DATABASE_URL = database.url;
    process.stdout.write(
      `\n[meridian] Kafka ${kafka.value} (${kafka.how}); Postgres database ${name} (${postgres.how})\n`,
    );
  } catch (error) {
    // Jest runs no teardown when setup fails: stop what was started before rethrowing.
    await stop();
    throw error;
  }
}
