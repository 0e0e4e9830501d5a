// Starts Kafka (unless KAFKA_BROKERS is set), makes sure the database exists, provisions topics,
// starts the eight services with logs under .cache/platform/logs, and reports when each is ready.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startBroker } from '../kafka/kafka.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LOGS = path.join(ROOT, '.cache/platform/logs');
const SERVICES = [
  ['gateway', 3000],
  ['orchestrator', 3001],
  ['transformer', 3002],
  ['ehr-adapter', 3003],
  ['pms-adapter', 3004],
  ['lis-adapter', 3005],
  ['webhook-dispatcher', 3006],
  ['health-monitor', 3007],
];
const READY_TIMEOUT_MS = 120_000;

const log = (line) => process.stdout.write(`[meridian] ${line}\n`);

async function ensureDatabase(url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const server = new URL(url);
  server.pathname = '/postgres';
  const client = new pg.Client({ connectionString: server.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

async function waitReady(name, port) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `${name} was not ready within ${READY_TIMEOUT_MS / 1000} s; see ${path.join(LOGS, `${name}.log`)}`,
  );
}

/**
 * A credentials key for this machine's platform, made once and kept in .cache (never committed), so
 * integrations saved with secrets still open after a restart. Production passes CREDENTIALS_KEYS from a secret.
 */
function localCredentialsKeys() {
  const file = path.join(ROOT, '.cache/platform/credentials.keys');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `local:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

async function main() {
  mkdirSync(LOGS, { recursive: true });
  let broker;
  let brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    log('starting a local Kafka broker (tools/kafka) ...');
    broker = await startBroker({ stateFile: path.join(ROOT, '.cache/kafka/platform.json') });
    brokers = broker.brokers;
  }
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/meridian';
  const env = {
    ...process.env,
    KAFKA_BROKERS: brokers,
    DATABASE_URL: databaseUrl,
    CREDENTIALS_KEYS: process.env.CREDENTIALS_KEYS ?? localCredentialsKeys(),
  };
  try {
    await ensureDatabase(databaseUrl);
    log(`Kafka ${brokers}; Postgres ${new URL(databaseUrl).host}${new URL(databaseUrl).pathname}`);
    execFileSync(process.execPath, [path.join(ROOT, 'dist/tools/provision/provision-topics.js')], {
      env,
      stdio: 'inherit',
    });
  } catch (error) {
    // The broker runs detached: it would outlive this process.
    await broker?.stop();
    throw error;
  }

  const children = SERVICES.map(([name, port]) => {
    const out = createWriteStream(path.join(LOGS, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [path.join(ROOT, `dist/apps/${name}/src/main.js`)], {
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    child.on('exit', (code, signal) => {
      if (!stopping) log(`${name} exited (${signal ?? code}); see ${path.join(LOGS, `${name}.log`)}`);
    });
    return { name, port, child };
  });

  let stopping = false;
  const stopAll = async (exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    log('stopping services ...');
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', resolve);
            child.kill('SIGTERM');
          }),
      ),
    );
    if (broker) {
      log('stopping Kafka ...');
      await broker.stop();
    }
    process.exit(exitCode);
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  try {
    await Promise.all(
      children.map(({ name, port }) => waitReady(name, port).then(() => log(`${name} ready on :${port}`))),
    );
  } catch (error) {
    log(error.message);
    await stopAll(1);
    return;
  }
  log('all eight services are ready. Health: /health/ready, metrics: /metrics. Ctrl-C stops everything.');
}

main().catch((error) => {
  process.stderr.write(`[meridian] ${error.stack ?? error}\n`);
  process.exit(1);
});
