import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Per-request timeout towards the broker. */
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /** Retries of a failed request before the call fails (default 8, with backoff up to 10 s). */
  retries?: number;
}

const logger = new Logger('kafkajs');

/** kafkajs logs through Nest's logger, so one structured log stream carries everything. */
function logCreator() {
  return ({ level, log }: LogEntry) => {
    // kafkajs log entries carry broker addresses, group and topic names: never record contents.
    const { message, ...extra } = log;
    const line = `${message} ${JSON.stringify(extra)}`;
    if (level === logLevel.ERROR) logger.error(line);
    else if (level === logLevel.WARN) logger.warn(line);
    else logger.debug(line);
  };
}

/** The only place the platform constructs a kafkajs client. */
export function createKafkaClient(settings: KafkaSettings): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    requestTimeout: settings.requestTimeoutMs ?? 30_000,
    connectionTimeout: settings.connectionTimeoutMs ?? 3_000,
    logLevel: logLevel.WARN,
    logCreator,
    retry: { initialRetryTime: 300, retries: settings.retries ?? 8, maxRetryTime: 10_000 },
  });
}
