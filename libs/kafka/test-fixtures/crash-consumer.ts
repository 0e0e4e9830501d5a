/**
 * A consumer in a child process, so a test can kill it with SIGKILL mid-batch (no commit, no
 * goodbye to the group), or stop it with SIGTERM as a service stops (finish the record in hand,
 * commit, leave the group, exit 0). Reports each record it finished (partition, offset, and the
 * event's `n` when its data has one) to the parent over IPC.
 * Env: KAFKA_BROKERS, TOPIC, GROUP; FIXTURE_SESSION_TIMEOUT_MS and FIXTURE_HEARTBEAT_INTERVAL_MS
 * (absent: the runtime's defaults).
 */
import { createKafkaClient } from '../src/kafka-client';
import { ConsumerRuntime } from '../src/consumer-runtime';
import { EventProducer } from '../src/event-producer';

function numberFromEnv(name: string): number | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : Number(value);
}

async function main(): Promise<void> {
  const kafka = createKafkaClient({
    brokers: process.env.KAFKA_BROKERS!.split(','),
    clientId: 'crash-fixture',
  });
  const producer = new EventProducer(kafka);
  await producer.connect();
  const runtime = new ConsumerRuntime({
    kafka,
    producer,
    groupId: process.env.GROUP!,
    sessionTimeoutMs: numberFromEnv('FIXTURE_SESSION_TIMEOUT_MS'),
    heartbeatIntervalMs: numberFromEnv('FIXTURE_HEARTBEAT_INTERVAL_MS'),
    handlers: new Map([
      [
        process.env.TOPIC!,
        async (event, context) => {
          // Slow enough that the parent can kill the process before the batch completes.
          await new Promise((resolve) => setTimeout(resolve, 100));
          const n = (event.data as { n?: unknown } | null)?.n;
          process.send?.({ partition: context.partition, offset: context.offset, n });
        },
      ],
    ]),
  });
  process.once('SIGTERM', () => {
    runtime.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  await runtime.start();
}

void main();
