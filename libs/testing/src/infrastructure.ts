/**
 * Finds or starts the real Kafka broker and Postgres server a test run uses, in this order
 * (KAFKA-LOCAL.md): an explicit address from the environment; testcontainers when a Docker
 * engine answers; otherwise the project's own launcher (tools/kafka) and the local Postgres.
 * Imported by Jest's global setup, so only relative imports here.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

export interface Started {
  value: string;
  how: string;
  stop(): Promise<void>;
}

/** The checkout's root, from the sources (Jest) or from the build (dist/, benchmarks). */
const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'tools/kafka/kafka.mjs'))) return dir;
  }
  throw new Error(`tools/kafka/kafka.mjs not found above ${from}`);
}
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

export async function dockerAvailable(): Promise<boolean> {
  try {
    await promisify(execFile)('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

export async function findKafka(): Promise<Started> {
  if (process.env.KAFKA_BROKERS) {
    return { value: process.env.KAFKA_BROKERS, how: 'KAFKA_BROKERS', stop: async () => undefined };
  }
  if (await dockerAvailable()) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const container = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
    return {
      value: `${container.getHost()}:${container.getMappedPort(9093)}`,
      how: 'testcontainers',
      stop: async () => void (await container.stop()),
    };
  }
  const state = path.join(REPO_ROOT, '.cache/kafka', `test-run-${process.pid}.json`);
  const brokers = await startLocalBroker(['--state', state]);
  return {
    value: brokers,
    how: `tools/kafka (state ${path.relative(REPO_ROOT, state)})`,
    stop: async () => void (await runLauncher(['stop', '--state', state])),
  };
}

/** A server URL (database `postgres`), from DATABASE_URL, the local server, or testcontainers. */
export async function findPostgres(): Promise<Started> {
  if (process.env.DATABASE_URL) {
    return { value: process.env.DATABASE_URL, how: 'DATABASE_URL', stop: async () => undefined };
  }
  if (await portOpen('127.0.0.1', 5432)) {
    return { value: LOCAL_POSTGRES, how: 'local server 127.0.0.1:5432', stop: async () => undefined };
  }
  if (await dockerAvailable()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:17').start();
    return {
      value: container.getConnectionUri(),
      how: 'testcontainers',
      stop: async () => void (await container.stop()),
    };
  }
  throw new Error('No Postgres: set DATABASE_URL, run a server on 127.0.0.1:5432, or start a Docker engine');
}

/** Creates a database of its own for this run and returns its URL. */
export async function createRunDatabase(
  serverUrl: string,
  name: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** Runs the broker launcher's CLI (tools/kafka/kafka.mjs) and returns what it printed. */
export async function runLauncher(args: string[]): Promise<string> {
  const script = path.join(REPO_ROOT, 'tools/kafka/kafka.mjs');
  const { stdout } = await promisify(execFile)(process.execPath, [script, ...args], {
    timeout: 300_000,
    maxBuffer: 10 * 1024 * 1024,
  });
  return stdout;
}

/** Starts a broker (`start` plus the given options) and returns its bootstrap address. */
export async function startLocalBroker(options: string[]): Promise<string> {
  const stdout = await runLauncher(['start', ...options]);
  const brokers = /KAFKA_BROKERS=(\S+)/.exec(stdout)?.[1];
  if (!brokers) throw new Error(`the Kafka launcher printed no KAFKA_BROKERS line:\n${stdout}`);
  return brokers;
}
