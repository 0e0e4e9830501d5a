/**
 * A consumer in a child process, so a test can kill it with SIGKILL mid-batch (no commit, no
 * goodbye to the group). Reports each handled offset to the parent over IPC.
 * Env: KAFKA_BROKERS, TOPIC, GROUP.
 */
import { createKafkaClient } from '../src/kafka-client';
import { ConsumerRuntime } from '../src/consumer-runtime';
import { EventProducer } from '../src/event-producer';

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
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 500,
    handlers: new Map([
      [
        process.env.TOPIC!,
        async (_event, context) => {
          process.send?.({ offset: context.offset });
          // Slow enough that the parent can kill the process before the batch completes.
          await new Promise((resolve) => setTimeout(resolve, 100));
        },
      ],
    ]),
  });
  await runtime.start();
}

void main();
