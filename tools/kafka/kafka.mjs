#!/usr/bin/env node
// Local single-node Apache Kafka broker (KRaft, broker+controller in one JVM) for development and
// integration tests on machines without Docker. The broker jars come from Maven Central through
// ./pom.xml and are cached in <repo>/.cache/kafka/<version>/lib. See ./README.md.
//
// CLI:  node tools/kafka/kafka.mjs start|stop|status|logs|resolve [options]
// API:  startBroker(options), stopBroker(stateOrPid, options), resolveJars(), readState(file)
//
// Dependency-free and side-effect free on import: the CLI only runs when this file is the entry
// point. No top-level await: CommonJS callers (Jest's global setup compiled by SWC, which turns
// `import()` into `require()`) can then `require()` this file on Node 22.12+/24.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  assertPortFree,
  freePort,
  isProcessWithMarker,
  java,
  readStateFile,
  run,
  runAsScript,
  sleep,
  stopProcessGroup,
  tail,
} from '../lib/processes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');
const POM = path.join(HERE, 'pom.xml');
const LOG4J_CONFIG = path.join(HERE, 'log4j2.xml');
const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'kafka');
export const DEFAULT_STATE_FILE = path.join(CACHE_DIR, 'state.json');

// Written into each data dir: what a restart on the same dir needs (ports, cluster id) and whether
// the launcher created the dir (only then does `stop` delete it).
const DIR_META = 'launcher.json';
const JVM_OPTS = [
  '-Xms256m',
  '-Xmx768m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-Djava.awt.headless=true',
];

/** The Kafka version, read from the pom so that there is a single place to change it. */
export function kafkaVersion() {
  const match = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(fs.readFileSync(POM, 'utf8'));
  if (!match) throw new Error(`no <kafka.version> property in ${POM}`);
  return match[1];
}

/** Resolves the broker jars once (Maven), returns the lib dir. Reused while its marker exists. */
export async function resolveJars({ log = () => {} } = {}) {
  const versionDir = path.join(CACHE_DIR, kafkaVersion());
  const lib = path.join(versionDir, 'lib');
  // The marker is written only after Maven succeeded, so an interrupted resolution is redone.
  const marker = path.join(versionDir, 'resolved.ok');
  if (fs.existsSync(marker)) return lib;

  log(`Resolving Kafka ${kafkaVersion()} jars with Maven into ${lib} ...`);
  // Resolve into a private folder and rename it into place, so two launchers resolving at the same
  // time never see each other's half-copied jars.
  const tmp = `${lib}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(versionDir, { recursive: true });
  const mvn = process.platform === 'win32' ? 'mvn.cmd' : 'mvn';
  const args = ['-q', '-B', '-Dstyle.color=never', '-f', POM, 'dependency:copy-dependencies'];
  args.push('-DincludeScope=runtime', `-DoutputDirectory=${tmp}`);
  const { code, output } = await run(mvn, args);
  if (code !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`Maven could not resolve the Kafka jars (exit ${code}):\n${output}`);
  }
  fs.rmSync(lib, { recursive: true, force: true });
  fs.renameSync(tmp, lib);
  fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  return lib;
}

/**
 * Starts a broker and waits until its client port accepts connections.
 * options: port (default: free port, or the port used last time when dataDir is an existing
 * broker dir), dataDir (default: new temp dir; an existing formatted dir is restarted as is),
 * stateFile (default .cache/kafka/state.json), timeoutMs (120000), features (StorageTool
 * --feature values for a fresh format, e.g. ['transaction.version=0']), log (progress callback),
 * saslSsl (true or { users: [{ username, password? }], clientAuth }: an additional SASL_SSL
 * listener, see README "SASL_SSL listener"; a dir first started with it keeps it on restarts).
 * Returns { brokers, pid, port, dataDir, logFile, stateFile, startupMs, saslSsl?, stop(options) }.
 */
export async function startBroker(options = {}) {
  const { timeoutMs = 120_000, features = [], log = () => {} } = options;
  const saslRequest = normaliseSaslRequest(options.saslSsl);
  const stateFile = path.resolve(options.stateFile ?? DEFAULT_STATE_FILE);
  const t0 = Date.now();

  const previous = readState(stateFile);
  if (previous && isBrokerAlive(previous.pid)) {
    throw new Error(
      `a broker from ${stateFile} is already running (pid ${previous.pid}, ${previous.brokers})`,
    );
  }

  const lib = await resolveJars({ log });
  const classpath = path.join(lib, '*');

  const createdTemp = !options.dataDir;
  const dataDir = path.resolve(options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-kafka-')));
  let prepared;
  try {
    prepared = await prepareDataDir({
      dataDir,
      createdTemp,
      port: options.port,
      features,
      classpath,
      saslRequest,
    });
  } catch (error) {
    // Nothing worth keeping yet (the broker never ran).
    if (createdTemp) fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { port, controllerPort, propsFile, meta, saslSsl } = prepared;

  const logFile = path.join(dataDir, 'server.log');
  const outFile = path.join(dataDir, 'stdout.log');
  const out = fs.openSync(outFile, 'a');
  const child = spawn(
    java(),
    [
      ...JVM_OPTS,
      `-Dkafka.logs.dir=${dataDir}`,
      `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      propsFile,
    ],
    // Own process group, no pipes back to us: the broker outlives the CLI (and Jest's global
    // setup process) and `stop` can signal the whole group.
    { detached: true, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  child.unref();
  let exited = null;
  child.on('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));

  const brokers = `127.0.0.1:${port}`;
  const state = {
    pid: child.pid,
    brokers,
    dataDir,
    logFile,
    startedAt: new Date().toISOString(),
    port,
    controllerPort,
    createdTemp: meta.createdTemp,
    kafkaVersion: kafkaVersion(),
    ...(saslSsl ? { saslSsl } : {}),
  };

  // The broker binds its client port only once it is registered and unfenced, so a successful
  // TCP connect means clients can use it.
  const deadline = Date.now() + timeoutMs;
  // With a SASL_SSL listener, both ports must answer (the broker opens its listeners together).
  while (!(await canConnect(port)) || (saslSsl && !(await canConnect(saslSsl.port)))) {
    if (exited || Date.now() > deadline) {
      const why = exited ? `exited during start-up (${exited})` : `not ready after ${timeoutMs / 1000} s`;
      if (!exited) await stopBroker(state, { keepDataDir: true });
      throw new Error(`Kafka broker ${why}. Last lines of ${logFile}:\n${describeLogs(state, 60)}`);
    }
    await sleep(200);
  }
  // Something answered, but if our JVM died meanwhile (another program took the port), it is
  // not our broker.
  if (exited) throw new Error(`Kafka broker exited during start-up (${exited}):\n${describeLogs(state, 60)}`);

  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
  return {
    ...state,
    stateFile,
    startupMs: Date.now() - t0,
    stop: (stopOptions) => stopBroker(stateFile, stopOptions),
  };
}

/**
 * Stops a broker: SIGTERM to its process group (controlled shutdown), SIGKILL after 30 s.
 * stateOrPid: a state object, a state file path (default .cache/kafka/state.json) or a pid.
 * Deletes the data dir when the launcher created it as a temp dir, unless keepDataDir is set
 * (to restart the same broker with startBroker({ dataDir })).
 */
export async function stopBroker(
  stateOrPid = DEFAULT_STATE_FILE,
  { keepDataDir = false, timeoutMs = 30_000 } = {},
) {
  const stateFile = typeof stateOrPid === 'string' ? path.resolve(stateOrPid) : null;
  const state =
    typeof stateOrPid === 'number' ? { pid: stateOrPid } : stateFile ? readState(stateFile) : stateOrPid;
  if (!state?.pid) return false;

  const wasRunning = await stopProcessGroup(state.pid, {
    isAlive: isBrokerAlive,
    name: 'Kafka broker',
    timeoutMs,
  });
  if (stateFile) fs.rmSync(stateFile, { force: true });
  if (state.createdTemp && state.dataDir && !keepDataDir)
    fs.rmSync(state.dataDir, { recursive: true, force: true });
  return wasRunning;
}

/** The state file's content, or null when there is none. */
export function readState(stateFile = DEFAULT_STATE_FILE) {
  return readStateFile(stateFile);
}

/** True while the pid is a live Kafka broker (a reused pid of another program does not count). */
export function isBrokerAlive(pid) {
  return isProcessWithMarker(pid, 'kafka.Kafka');
}

/**
 * Writes server.properties and formats the storage, unless dataDir holds a broker formatted by an
 * earlier start: then its cluster id and ports are reused (a restart of the same broker).
 */
async function prepareDataDir({
  dataDir,
  createdTemp,
  port: requestedPort,
  features,
  classpath,
  saslRequest,
}) {
  fs.mkdirSync(dataDir, { recursive: true });
  const logDir = path.join(dataDir, 'kafka-logs');
  const metaFile = path.join(dataDir, DIR_META);
  const formatted = fs.existsSync(metaFile) && fs.existsSync(path.join(logDir, 'meta.properties'));
  const meta = formatted ? JSON.parse(fs.readFileSync(metaFile, 'utf8')) : { createdTemp };

  // A restart keeps the controller port (it is part of the formatted quorum) and, unless told
  // otherwise, the client port, so clients configured with the old address reconnect.
  const port = requestedPort ?? meta.port ?? (await freePort());
  const controllerPort = meta.controllerPort ?? (await freePort([port]));
  await assertPortFree(port);
  await assertPortFree(controllerPort);

  if (saslRequest && formatted && !meta.saslSsl) {
    throw new Error(
      `${dataDir} holds a broker first started without a SASL_SSL listener; start a new data dir for one`,
    );
  }
  let saslSsl;
  if (saslRequest || meta.saslSsl) {
    // A restart keeps the listener's port, TLS files and SCRAM credentials (they are in the cluster
    // metadata); users given again replace the PLAIN passwords (the JAAS config is rewritten).
    const saslPort = meta.saslSsl?.port ?? (await freePort([port, controllerPort]));
    await assertPortFree(saslPort);
    const tlsDir = path.join(dataDir, 'tls');
    if (!meta.saslSsl) await createTlsFiles(tlsDir);
    const users = writeSaslUsers(tlsDir, saslRequest?.users, meta.saslSsl?.users ?? []);
    const clientAuth = saslRequest?.clientAuth ?? meta.saslSsl?.clientAuth ?? 'requested';
    meta.saslSsl = { port: saslPort, clientAuth, users: users.map((user) => user.username) };
    saslSsl = saslSslState({ port: saslPort, tlsDir, users, clientAuth });
  }

  const propsFile = path.join(dataDir, 'server.properties');
  fs.writeFileSync(propsFile, serverProperties({ port, controllerPort, logDir, saslSsl }), { mode: 0o600 });
  // It holds the PLAIN passwords when there is a SASL_SSL listener.
  fs.chmodSync(propsFile, 0o600);

  if (!formatted) {
    fs.rmSync(logDir, { recursive: true, force: true });
    meta.clusterId = randomClusterId();
    const format = ['format', '--standalone', '-t', meta.clusterId, '-c', propsFile];
    for (const feature of features) format.push('--feature', feature);
    // SCRAM credentials are cluster metadata: written at format time, no running broker needed.
    for (const user of saslSsl?.users ?? []) {
      for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512']) {
        format.push('--add-scram', `${mechanism}=[name=${user.username},password=${user.password}]`);
      }
    }
    const { code, output } = await run(java(), ['-cp', classpath, 'kafka.tools.StorageTool', ...format]);
    if (code !== 0) throw new Error(`kafka-storage format failed (exit ${code}):\n${output}`);
  }
  Object.assign(meta, { port, controllerPort });
  fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2));
  return { port, controllerPort, propsFile, meta, saslSsl: saslSsl && publicSaslState(saslSsl) };
}

function serverProperties({ port, controllerPort, logDir, saslSsl }) {
  const sasl = saslSsl ? `,SASL_SSL://127.0.0.1:${saslSsl.port}` : '';
  return `# Generated by tools/kafka/kafka.mjs on every start; edit the launcher, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}${sasl}
advertised.listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}${sasl}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${saslSsl ? ',SASL_SSL:SASL_SSL' : ''}
log.dirs=${logDir}
${saslSsl ? saslSslProperties(saslSsl) : ''}
# One node: every internal topic has one replica. Fewer partitions than the default 50 make the
# first consumer group and the first transaction start faster.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=1
default.replication.factor=1
min.insync.replicas=1

# Tests create their topics through the admin API and should not wait for rebalances.
auto.create.topics.enable=false
num.partitions=3
group.initial.rebalance.delay.ms=0

# Small machines (2 cores) and short-lived data.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.segment.bytes=16777216
`;
}

// ---------------------------------------------------------------------------------------------
// SASL_SSL listener (opt-in): TLS with a self-signed CA made by openssl, SASL PLAIN (JAAS users)
// and SCRAM-SHA-256/512 (credentials written at format time). Files live in <dataDir>/tls.

const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];
const CLIENT_AUTH = ['required', 'requested', 'none'];
const USERNAME = /^[A-Za-z0-9._-]{1,64}$/;
// Kept out of the JAAS config's quotes and of `--add-scram`'s [name=..,password=..] syntax.
const PASSWORD = /^[^\s"\\,[\]=]{1,128}$/;

/** `true` / `{ users, clientAuth }` → `{ users: [{ username, password? }], clientAuth }`, or null. */
function normaliseSaslRequest(request) {
  if (!request) return null;
  const { users = [], clientAuth } = request === true ? {} : request;
  if (clientAuth !== undefined && !CLIENT_AUTH.includes(clientAuth))
    throw new Error(`saslSsl.clientAuth must be one of ${CLIENT_AUTH.join(', ')}`);
  for (const user of users) {
    if (!USERNAME.test(user.username ?? ''))
      throw new Error(`SASL user name "${user.username}" must match ${USERNAME}`);
    if (user.password !== undefined && !PASSWORD.test(user.password))
      throw new Error(
        `the password of SASL user "${user.username}" must be 1-128 characters without spaces, quotes, backslashes, commas, brackets or "="`,
      );
  }
  return { users, clientAuth };
}

/** A CA, a broker certificate for 127.0.0.1/localhost and a client certificate (mTLS), all PEM. */
async function createTlsFiles(tlsDir) {
  fs.mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
  const file = (name) => path.join(tlsDir, name);
  const openssl = async (args) => {
    const { code, output } = await run('openssl', args);
    if (code !== 0) throw new Error(`openssl ${args[0]} failed (exit ${code}):\n${output}`);
  };
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(
    ['req', '-x509', ...ecKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '3650']
      .concat(['-subj', '/CN=Meridian local Kafka CA', '-addext', 'basicConstraints=critical,CA:TRUE'])
      .concat(['-addext', 'keyUsage=critical,keyCertSign,cRLSign']),
  );
  const issue = async (name, subject, extensions) => {
    fs.writeFileSync(file(`${name}.ext`), extensions);
    await openssl([
      'req',
      ...ecKey,
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.csr`),
      '-subj',
      subject,
    ]);
    await openssl(
      ['x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key')]
        .concat(['-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '825'])
        .concat(['-out', file(`${name}.pem`), '-extfile', file(`${name}.ext`)]),
    );
    fs.rmSync(file(`${name}.csr`));
    fs.rmSync(file(`${name}.ext`));
  };
  await issue(
    'broker',
    '/CN=localhost',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n',
  );
  await issue(
    'client',
    '/CN=meridian-client',
    'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
  );
  // Kafka's PEM key store: the (unencrypted PKCS#8) private key, then the certificate chain.
  fs.writeFileSync(
    file('broker-keystore.pem'),
    fs.readFileSync(file('broker.key'), 'utf8') + fs.readFileSync(file('broker.pem'), 'utf8'),
    { mode: 0o600 },
  );
  for (const name of ['ca.key', 'broker.key', 'client.key']) fs.chmodSync(file(name), 0o600);
}

/**
 * Writes each user's password to <tlsDir>/users/<name>.password (0600) and returns every user with
 * their password: the users given (a password left out keeps the stored one, else a random one),
 * plus the users of earlier starts, or the user `meridian` when there are none.
 */
function writeSaslUsers(tlsDir, requested, previousNames) {
  const dir = path.join(tlsDir, 'users');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const passwordFile = (username) => path.join(dir, `${username}.password`);
  const stored = (username) =>
    fs.existsSync(passwordFile(username)) ? fs.readFileSync(passwordFile(username), 'utf8') : undefined;
  const wanted = new Map(previousNames.map((username) => [username, undefined]));
  for (const user of requested ?? []) wanted.set(user.username, user.password);
  if (wanted.size === 0) wanted.set('meridian', undefined);
  return [...wanted].map(([username, given]) => {
    const password = given ?? stored(username) ?? randomBytes(18).toString('base64url');
    fs.writeFileSync(passwordFile(username), password, { mode: 0o600 });
    return { username, password, passwordFile: passwordFile(username) };
  });
}

function saslSslState({ port, tlsDir, users, clientAuth }) {
  return {
    port,
    brokers: `127.0.0.1:${port}`,
    mechanisms: SASL_MECHANISMS,
    clientAuth,
    caFile: path.join(tlsDir, 'ca.pem'),
    clientCertFile: path.join(tlsDir, 'client.pem'),
    clientKeyFile: path.join(tlsDir, 'client.key'),
    keyStoreFile: path.join(tlsDir, 'broker-keystore.pem'),
    users,
  };
}

/** What the state file and callers get: file paths, never the passwords themselves. */
function publicSaslState({ keyStoreFile: _keyStore, users, ...rest }) {
  return {
    ...rest,
    users: Object.fromEntries(users.map((user) => [user.username, { passwordFile: user.passwordFile }])),
  };
}

function saslSslProperties({ keyStoreFile, caFile, users, clientAuth }) {
  const prefix = 'listener.name.sasl_ssl';
  const plainUsers = users.map((user) => `user_${user.username}="${user.password}"`).join(' ');
  return `
# SASL_SSL listener (--sasl-ssl): TLS from <dataDir>/tls (self-signed CA), SASL PLAIN and SCRAM.
sasl.enabled.mechanisms=${SASL_MECHANISMS.join(',')}
${prefix}.ssl.keystore.type=PEM
${prefix}.ssl.keystore.location=${keyStoreFile}
${prefix}.ssl.truststore.type=PEM
${prefix}.ssl.truststore.location=${caFile}
${prefix}.ssl.client.auth=${clientAuth}
${prefix}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};
${prefix}.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
${prefix}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
`;
}

// Same format as Kafka's Uuid.randomUuid() (16 random bytes, base64url, never starting with "-"),
// which saves the extra JVM start of `StorageTool random-uuid`.
function randomClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

// The JVM's own stdout/stderr matter when it dies before log4j is up (bad flags, missing class).
function describeLogs(state, lines) {
  const stdout = path.join(state.dataDir, 'stdout.log');
  const jvm =
    fs.existsSync(stdout) && fs.statSync(stdout).size > 0 ? `\n--- ${stdout}:\n${tail(stdout, 20)}` : '';
  return `${tail(state.logFile, lines)}${jvm}`;
}

// ---------------------------------------------------------------------------------------------
// CLI

/** The SASL_SSL listener and the settings a service needs for it (password files, not passwords). */
function describeSaslSsl(saslSsl) {
  const [username, { passwordFile }] = Object.entries(saslSsl.users)[0];
  const users = Object.entries(saslSsl.users)
    .map(([name, user]) => `    ${name}: password in ${user.passwordFile}`)
    .join('\n');
  return [
    `  SASL_SSL ${saslSsl.brokers} (${saslSsl.mechanisms.join(', ')}; client certificates ${saslSsl.clientAuth})`,
    `  CA ${saslSsl.caFile}; client certificate ${saslSsl.clientCertFile}, key ${saslSsl.clientKeyFile}`,
    `  users:\n${users}`,
    `  a service on it: KAFKA_BROKERS=${saslSsl.brokers} KAFKA_SSL=true KAFKA_SSL_CA_FILE=${saslSsl.caFile}`,
    `    KAFKA_SASL_MECHANISM=scram-sha-512 KAFKA_SASL_USERNAME=${username} KAFKA_SASL_PASSWORD_FILE=${passwordFile}`,
  ].join('\n');
}

const USAGE = `Usage: node tools/kafka/kafka.mjs <command> [options]
  start    [--port N] [--dir D] [--state F] [--timeout S] [--feature name=level]...
           [--sasl-ssl] [--sasl-user NAME[:PASSWORD]]... [--ssl-client-auth required|requested|none]
           start a broker (an existing --dir from an earlier run is restarted, not reformatted);
           the last line of output is KAFKA_BROKERS=127.0.0.1:<port> (the PLAINTEXT listener).
           --sasl-ssl adds a SASL_SSL listener (PLAIN, SCRAM-SHA-256/512) with a self-signed CA;
           --sasl-user (implies --sasl-ssl) names its users, default one user "meridian"; a
           password left out is generated; passwords are written to files, never printed
  stop     [--state F] [--keep]   controlled shutdown; deletes the data dir if it was a temp dir
                                  (unless --keep)
  status   [--state F]            exit code 0 if running, 1 if not
  logs     [--state F] [-n N]     last N (60) lines of the broker log
  resolve                         only fetch the broker jars with Maven
Default state file: ${path.relative(process.cwd(), DEFAULT_STATE_FILE) || DEFAULT_STATE_FILE}`;

function parseArgs(argv) {
  const opts = { features: [] };
  const sasl = { users: [] };
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--port') opts.port = Number(value());
    else if (arg === '--dir') opts.dataDir = value();
    else if (arg === '--state') opts.stateFile = value();
    else if (arg === '--timeout') opts.timeoutMs = Number(value()) * 1000;
    else if (arg === '--feature') opts.features.push(value());
    else if (arg === '--sasl-ssl') opts.saslSsl = sasl;
    else if (arg === '--sasl-user') {
      const [username, ...password] = value().split(':');
      sasl.users.push({ username, password: password.length > 0 ? password.join(':') : undefined });
      opts.saslSsl = sasl;
    } else if (arg === '--ssl-client-auth') {
      sasl.clientAuth = value();
      opts.saslSsl = sasl;
    } else if (arg === '-n') opts.lines = Number(value());
    else if (arg === '--keep') opts.keepDataDir = true;
    else if (arg === '-h' || arg === '--help') opts.help = true;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else positional.push(arg);
  }
  for (const key of ['port', 'timeoutMs', 'lines']) {
    if (key in opts && !(opts[key] > 0)) throw new Error(`invalid number for ${key}`);
  }
  return { command: positional[0], opts };
}

async function main(argv) {
  const { command, opts } = parseArgs(argv);
  const stateFile = path.resolve(opts.stateFile ?? DEFAULT_STATE_FILE);
  const state = readState(stateFile);
  const running = Boolean(state && isBrokerAlive(state.pid));
  const log = (line) => console.log(line);

  switch (opts.help ? 'help' : command) {
    case 'start': {
      if (running) {
        console.log(`Kafka is already running (pid ${state.pid}, data dir ${state.dataDir}).`);
        console.log(`KAFKA_BROKERS=${state.brokers}`);
        return 0;
      }
      const broker = await startBroker({ ...opts, stateFile, log });
      console.log(`Kafka ${broker.kafkaVersion} started in ${(broker.startupMs / 1000).toFixed(1)} s`);
      console.log(`  pid ${broker.pid}, data dir ${broker.dataDir}`);
      console.log(`  log ${broker.logFile}`);
      if (broker.saslSsl) console.log(describeSaslSsl(broker.saslSsl));
      console.log(`KAFKA_BROKERS=${broker.brokers}`);
      return 0;
    }
    case 'stop': {
      const t0 = Date.now();
      const stopped = await stopBroker(stateFile, { keepDataDir: opts.keepDataDir });
      console.log(
        stopped ? `Kafka stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s.` : 'Kafka was not running.',
      );
      return 0;
    }
    case 'status':
      if (running)
        console.log(`running: pid ${state.pid}, brokers ${state.brokers}, since ${state.startedAt}`);
      else console.log(state ? `not running (last pid ${state.pid}, log ${state.logFile})` : 'not running');
      return running ? 0 : 1;
    case 'logs':
      if (!state) throw new Error(`no state file ${stateFile}; is a broker started?`);
      console.log(tail(state.logFile, opts.lines ?? 60));
      return 0;
    case 'resolve':
      console.log(await resolveJars({ log }));
      return 0;
    case 'help':
      console.log(USAGE);
      return 0;
    default:
      console.error(USAGE);
      return 2;
  }
}

// Only as the entry point (realpath: the script may be reached through a symlink); never throws,
// so importing this module cannot fail because of the importer's argv.
runAsScript(import.meta.url, main, 'kafka.mjs');
