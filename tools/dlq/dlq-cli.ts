/**
 * Dead letter CLI: list DLQ topics, show records (metadata only unless --reveal), and redrive
 * them to their source topic: same key, same value bytes, same `ce_id`, rate-limited, and audited
 * on the redrive audit topic. A record already redriven is skipped unless --force.
 *
 *   npm run dlq -- list
 *   npm run dlq -- show <topic>.dlq [--partition P] [--offset O] [--limit N] [--reveal]
 *   npm run dlq -- replay <topic>.dlq (--partition P --offset O | --all) --operator NAME --reason TEXT
 *                 [--limit N] [--rate PER_SECOND] [--force]
 *
 * Env: KAFKA_BROKERS (required), and the services' Kafka TLS/SASL variables (KAFKA_SSL*,
 * KAFKA_SASL_*: libs/kafka/README.md).
 */
import 'reflect-metadata';
import {
  allTopicDefinitions,
  CE,
  createCloudEvent,
  DLQ_REDRIVE_V1,
  encodeCloudEvent,
  REDRIVE_HEADERS,
  DLQ_HEADERS,
  decodeCloudEvent,
  headersToStrings,
  TOPICS,
  type DlqRedrivePayload,
} from '@meridian/contracts';
import {
  buildRedrive,
  createKafkaClient,
  explainClientError,
  kafkaSecurityFromEnv,
  TransactionalProducer,
  readTopic,
  type StoredRecord,
} from '@meridian/kafka';
import type { Admin, Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const USAGE = `usage:
  dlq list
  dlq show <dlq-topic> [--partition P] [--offset O] [--limit N] [--reveal]
  dlq replay <dlq-topic> (--partition P --offset O | --all) --operator NAME --reason TEXT [--limit N] [--rate N] [--force]`;

class UsageError extends Error {}

const out = (line = '') => process.stdout.write(`${line}\n`);

async function list(admin: Admin): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const names = new Set([
    ...allTopicDefinitions()
      .map((d) => d.name)
      .filter((n) => n.endsWith('.dlq')),
    ...[...existing].filter((n) => n.endsWith('.dlq')),
  ]);
  out('records  topic');
  for (const name of [...names].sort()) {
    if (!existing.has(name)) continue;
    const offsets = await admin.fetchTopicOffsets(name);
    const count = offsets.reduce((sum, p) => sum + (BigInt(p.high) - BigInt(p.low)), 0n);
    out(`${String(count).padStart(7)}  ${name}`);
  }
}

function describe(record: StoredRecord, reveal: boolean): string {
  const headers = headersToStrings(record.message.headers);
  const lines = [
    `${record.partition}@${record.message.offset}  ${headers[CE.type] ?? '(no ce_type)'}  ce_id=${headers[CE.id] ?? '-'}`,
    `  from ${headers[DLQ_HEADERS.originalTopic]}[${headers[DLQ_HEADERS.originalPartition]}]@${headers[DLQ_HEADERS.originalOffset]}` +
      ` group=${headers[DLQ_HEADERS.consumerGroup]} stage=${headers[DLQ_HEADERS.stage]} attempts=${headers[DLQ_HEADERS.attempts]}`,
    `  failed ${headers[DLQ_HEADERS.failedAt]}: ${headers[DLQ_HEADERS.exceptionClass]}: ${headers[DLQ_HEADERS.exceptionMessage]}`,
    `  value ${record.message.value?.length ?? 0} bytes${headers[REDRIVE_HEADERS.count] ? `, redriven ${headers[REDRIVE_HEADERS.count]}x` : ''}`,
  ];
  // Keys and values may be PHI: shown only when the operator asks, on their own terminal.
  if (reveal)
    lines.push(
      `  key: ${record.message.key?.toString() ?? '(null)'}`,
      `  value: ${record.message.value?.toString() ?? '(null)'}`,
    );
  return lines.join('\n');
}

async function alreadyRedriven(kafka: Kafka, admin: Admin, dlqTopic: string): Promise<Set<string>> {
  const audit = await readTopic(kafka, admin, TOPICS.dlqRedriveAudit.name);
  const done = new Set<string>();
  for (const { message } of audit) {
    const decoded = decodeCloudEvent(message.headers, message.value);
    if (!decoded.ok) continue;
    const data = decoded.event.data as DlqRedrivePayload;
    if (data.dlqTopic === dlqTopic) done.add(`${data.partition}@${data.offset}`);
  }
  return done;
}

async function replay(
  kafka: Kafka,
  admin: Admin,
  dlqTopic: string,
  options: Record<string, string | boolean | undefined>,
) {
  const operator = options.operator as string | undefined;
  const reason = options.reason as string | undefined;
  if (!operator || !reason)
    throw new UsageError('replay needs --operator and --reason (they go to the audit record)');
  if (!options.all && (options.partition === undefined || options.offset === undefined)) {
    throw new UsageError('replay needs --partition and --offset, or --all');
  }
  const rate = Number(options.rate ?? '10');
  if (!(rate > 0)) throw new UsageError('--rate must be a positive number of records per second');
  const done = options.force ? new Set<string>() : await alreadyRedriven(kafka, admin, dlqTopic);
  const positionOf = (record: StoredRecord) => `${record.partition}@${record.message.offset}`;
  let wanted: StoredRecord[];
  if (options.all) {
    // Everything not yet redriven, in partition and offset order, then the limit: a second run
    // with the same limit continues where the first stopped.
    const pending = (await readTopic(kafka, admin, dlqTopic)).filter((record) => {
      if (!done.has(positionOf(record))) return true;
      out(`skip ${positionOf(record)}: already redriven (audit topic); --force to send it again`);
      return false;
    });
    wanted = pending.slice(0, options.limit ? Number(options.limit) : undefined);
  } else {
    const position = `${Number(options.partition)}@${String(options.offset)}`;
    const [record] = await readTopic(kafka, admin, dlqTopic, {
      partition: Number(options.partition),
      fromOffset: String(options.offset),
      limit: 1,
    });
    if (!record || positionOf(record) !== position) {
      throw new UsageError(`no record found in ${dlqTopic} at ${position}`);
    }
    if (done.has(position)) out(`skip ${position}: already redriven (audit topic); --force to send it again`);
    wanted = done.has(position) ? [] : [record];
  }

  // The redrive and its audit entry commit together or not at all; the id fences a concurrent
  // redrive of the same DLQ.
  const producer = new TransactionalProducer(kafka, `meridian.dlq-cli.${dlqTopic}`);
  await producer.connect();
  let sent = 0;
  try {
    for (const record of wanted) {
      const position = positionOf(record);
      const { topic, record: redriven } = buildRedrive(record.message);
      const audit: DlqRedrivePayload = {
        dlqTopic,
        targetTopic: topic,
        partition: record.partition,
        offset: record.message.offset,
        ceId: headersToStrings(record.message.headers)[CE.id] ?? '(none)',
        operator,
        reason,
        at: new Date().toISOString(),
      };
      const auditEvent = createCloudEvent({
        source: '/meridian/tools/dlq',
        type: DLQ_REDRIVE_V1,
        data: audit,
      });
      await producer.sendAll([
        { topic, records: [redriven] },
        {
          topic: TOPICS.dlqRedriveAudit.name,
          records: [{ key: `${dlqTopic}/${position}`, ...encodeCloudEvent(auditEvent) }],
        },
      ]);
      sent++;
      out(`redriven ${position} -> ${topic}`);
      await sleep(1000 / rate);
    }
  } finally {
    await producer.disconnect();
  }
  out(`${sent} record(s) redriven`);
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      partition: { type: 'string' },
      offset: { type: 'string' },
      limit: { type: 'string' },
      rate: { type: 'string' },
      operator: { type: 'string' },
      reason: { type: 'string' },
      all: { type: 'boolean' },
      force: { type: 'boolean' },
      reveal: { type: 'boolean' },
    },
  });
  const [command, topic] = positionals;
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new UsageError('KAFKA_BROKERS is required');
  if (command !== 'list' && !topic?.endsWith('.dlq'))
    throw new UsageError('name a dead letter topic (<topic>.dlq)');
  const kafka = createKafkaClient({
    brokers: brokers.split(','),
    clientId: 'meridian-dlq-cli',
    security: kafkaSecurityFromEnv(process.env),
  });
  const admin = kafka.admin();
  await admin.connect().catch((error: unknown) => {
    throw explainClientError(kafka, error);
  });
  try {
    if (command === 'list') await list(admin);
    else if (command === 'show') {
      const records = await readTopic(kafka, admin, topic, {
        partition: values.partition === undefined ? undefined : Number(values.partition),
        fromOffset: values.offset,
        limit: Number(values.limit ?? '20'),
      });
      for (const record of records) out(describe(record, values.reveal ?? false));
      out(`${records.length} record(s)`);
    } else if (command === 'replay') await replay(kafka, admin, topic, values);
    else throw new UsageError(`unknown command ${command ?? '(none)'}`);
  } finally {
    await admin.disconnect();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof UsageError ? `${error.message}\n${USAGE}` : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  });
}

export { main as dlqCli };
