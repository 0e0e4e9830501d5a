import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import {
  describeKafkaSecurity,
  explainKafkaError,
  kafkaSecurityOptions,
  type KafkaSecurity,
} from './kafka-security';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Per-request timeout towards the broker. */
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /** Retries of a failed request before the call fails (default 8, with backoff up to 10 s). */
  retries?: number;
  /** TLS and SASL (`readKafkaSecurity` / `kafkaSecurityFromEnv`); absent = plaintext, no SASL. */
  security?: KafkaSecurity;
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

/** What each client was built with, so its failures can be explained (`explainClientError`). */
const clientSettings = new WeakMap<Kafka, KafkaSettings>();

/**
 * The only place the project constructs a kafkajs client (services, their views, the tools); TLS
 * and SASL options come from `kafkaSecurityOptions`, the one translation of the settings.
 */
export function createKafkaClient(settings: KafkaSettings): Kafka {
  if (settings.security?.ssl?.rejectUnauthorized === false)
    logger.warn(`${settings.clientId}: ${describeKafkaSecurity(settings.security)}`);
  const kafka = new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    requestTimeout: settings.requestTimeoutMs ?? 30_000,
    connectionTimeout: settings.connectionTimeoutMs ?? 3_000,
    logLevel: logLevel.WARN,
    logCreator,
    retry: { initialRetryTime: 300, retries: settings.retries ?? 8, maxRetryTime: 10_000 },
    ...kafkaSecurityOptions(settings.security),
  });
  clientSettings.set(kafka, settings);
  return kafka;
}

/**
 * A failure of this client explained by its security settings (`explainKafkaError`): wrong
 * credentials name the user and mechanism, a TLS failure what to check. Other errors as they are.
 */
export function explainClientError(kafka: Kafka, error: unknown): unknown {
  const settings = clientSettings.get(kafka);
  return settings ? explainKafkaError(error, settings) : error;
}
