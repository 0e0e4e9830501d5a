#!/usr/bin/env node
// Local FHIR R4 server (HAPI FHIR JPA on in-memory H2) for integration tests on machines without
// Docker: the same server as docker-compose's `hapiproject/hapi`, assembled from Maven Central by
// ./pom.xml and built once into <repo>/.cache/fhir-server/<HAPI version>/app. See ./README.md.
//
// CLI:  node tools/fhir-server/fhir-server.mjs build|resolve|start|stop|status|logs [options]
// API:  startServer(options), stopServer(stateOrPid, options), buildServer(), readState(file)
//
// Dependency-free and side-effect free on import, like tools/kafka/kafka.mjs: the CLI only runs when
// this file is the entry point, and there is no top-level await (CommonJS callers can require() it).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  assertPortFree,
  freePort,
  isProcessAlive,
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
const SOURCES = path.join(HERE, 'src');
const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'fhir-server');
export const DEFAULT_STATE_FILE = path.join(CACHE_DIR, 'state.json');

// Marks our JVMs on their command line, so that a reused pid of another program is never taken for
// (and never signalled as) a FHIR server.
const MARKER = '-Dmeridian.tool=fhir-server';
// C1 only and the serial collector: start-up is mostly class loading and one-off bean creation,
// which C2 and parallel GC threads only slow down on a 2-core machine (about half the CPU time).
const JVM_OPTS = [
  '-Xms256m',
  '-Xmx1g',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Djava.awt.headless=true',
  MARKER,
];

/** The HAPI FHIR version (the pom's parent), which names the cache folder. */
export function hapiVersion() {
  const parent = /<parent>[\s\S]*?<version>\s*([^<\s]+)\s*<\/version>[\s\S]*?<\/parent>/.exec(
    fs.readFileSync(POM, 'utf8'),
  );
  if (!parent) throw new Error(`no <parent> version in ${POM}`);
  return parent[1];
}

/** Hash of everything the jar is built from (pom.xml and src/): the cache key. */
export function sourceHash() {
  const digest = createHash('sha256');
  const files = [POM, ...listFiles(SOURCES)].sort();
  for (const file of files) {
    digest.update(`${path.relative(HERE, file)}\0`);
    digest.update(fs.readFileSync(file));
    digest.update('\0');
  }
  return digest.digest('hex').slice(0, 16);
}

function listFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

/**
 * Builds the server unless a build of the current sources exists; returns its jar. Maven packages a
 * Spring Boot jar, which Spring Boot's `extract` turns into a plain jar + lib/ (starts faster than the
 * nested fat jar) in .cache/fhir-server/<HAPI version>/<source hash>/. A build per source hash means a
 * rebuild never pulls the jars from under a server that is running (another test run's); builds no
 * running server uses are deleted. `force` rebuilds anyway.
 */
export async function buildServer({ log = () => {}, force = false } = {}) {
  const versionDir = path.join(CACHE_DIR, hapiVersion());
  const hash = sourceHash();
  const app = path.join(versionDir, hash);
  const jar = path.join(app, 'fhir-server.jar');
  // build.json is written last, so an interrupted build is redone.
  if (!force && fs.existsSync(path.join(app, 'build.json'))) return jar;

  log(`Building the FHIR server (HAPI ${hapiVersion()}) with Maven into ${app} ...`);
  const t0 = Date.now();
  // Private folders renamed into place at the end, so that two builds at the same time never see
  // each other's half-written files.
  const tmpBuild = path.join(versionDir, `build.${process.pid}.tmp`);
  const tmpApp = path.join(versionDir, `${hash}.${process.pid}.tmp`);
  const cleanUp = () => {
    fs.rmSync(tmpBuild, { recursive: true, force: true });
    fs.rmSync(tmpApp, { recursive: true, force: true });
  };
  cleanUp();
  fs.mkdirSync(versionDir, { recursive: true });
  try {
    const mvn = process.platform === 'win32' ? 'mvn.cmd' : 'mvn';
    const args = [
      '-q',
      '-B',
      '-Dstyle.color=never',
      '-f',
      POM,
      `-Dfhir-server.build-dir=${tmpBuild}`,
      'package',
    ];
    const built = await run(mvn, args);
    if (built.code !== 0)
      throw new Error(`Maven could not build the FHIR server (exit ${built.code}):\n${built.output}`);
    const fatJar = path.join(tmpBuild, 'fhir-server.jar');
    const extracted = await run(java(), [
      '-Djarmode=tools',
      '-jar',
      fatJar,
      'extract',
      '--destination',
      tmpApp,
    ]);
    if (extracted.code !== 0)
      throw new Error(`extracting ${fatJar} failed (exit ${extracted.code}):\n${extracted.output}`);
    const buildMs = Date.now() - t0;
    const info = { hash, hapiVersion: hapiVersion(), builtAt: new Date().toISOString(), buildMs };
    fs.writeFileSync(path.join(tmpApp, 'build.json'), `${JSON.stringify(info, null, 2)}\n`);
    fs.rmSync(app, { recursive: true, force: true });
    try {
      fs.renameSync(tmpApp, app);
    } catch (error) {
      // Another build of the same sources finished first: use that one.
      if (!fs.existsSync(path.join(app, 'build.json'))) throw error;
    }
    log(`Built in ${(buildMs / 1000).toFixed(1)} s.`);
  } finally {
    cleanUp();
  }
  removeUnusedBuilds(versionDir, app);
  return jar;
}

/** Deletes the other builds in versionDir unless a running server uses them (Linux: /proc). */
function removeUnusedBuilds(versionDir, keep) {
  if (!fs.existsSync('/proc/self/cmdline')) return;
  const commandLines = fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      } catch {
        return [];
      }
    })
    .filter((args) => args.includes(MARKER));
  for (const entry of fs.readdirSync(versionDir, { withFileTypes: true })) {
    const dir = path.join(versionDir, entry.name);
    if (!entry.isDirectory() || dir === keep) continue;
    // <name>.<pid>.tmp: another build's work in progress, unless its process is gone.
    const building = /\.(\d+)\.tmp$/.exec(entry.name);
    if (building && isProcessAlive(Number(building[1]))) continue;
    if (commandLines.some((args) => args.some((arg) => arg.startsWith(`${dir}${path.sep}`)))) continue;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts a server and waits until `GET /fhir/metadata` answers 200.
 * options: port (default: a free port), stateFile (default .cache/fhir-server/state.json), logFile
 * (default: the state file's name with .log), timeoutMs (300000), log (progress callback).
 * Returns { baseUrl, pid, port, logFile, stateFile, startedAt, hapiVersion, startupMs, stop(options) }.
 */
export async function startServer(options = {}) {
  const { timeoutMs = 300_000, log = () => {} } = options;
  const stateFile = path.resolve(options.stateFile ?? DEFAULT_STATE_FILE);
  const logFile = path.resolve(options.logFile ?? stateFile.replace(/\.json$/, '') + '.log');

  const previous = readState(stateFile);
  if (previous && isServerAlive(previous.pid)) {
    throw new Error(
      `a FHIR server from ${stateFile} is already running (pid ${previous.pid}, ${previous.baseUrl})`,
    );
  }

  const jar = await buildServer({ log });
  const t0 = Date.now();
  const port = options.port ?? (await freePort());
  await assertPortFree(port);

  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'w');
  // Own process group, no pipes back to us: the server outlives the CLI (and the Jest worker that
  // asked for it) and `stop` signals the whole group.
  const child = spawn(java(), [...JVM_OPTS, '-jar', jar, `--server.port=${port}`], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  child.unref();
  let exited = null;
  child.on('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));

  const baseUrl = `http://127.0.0.1:${port}/fhir`;
  const state = {
    pid: child.pid,
    baseUrl,
    port,
    logFile,
    startedAt: new Date().toISOString(),
    hapiVersion: hapiVersion(),
  };

  const deadline = Date.now() + timeoutMs;
  while (!(await answersMetadata(baseUrl))) {
    if (exited || Date.now() > deadline) {
      const why = exited ? `exited during start-up (${exited})` : `not ready after ${timeoutMs / 1000} s`;
      // SIGTERM waits for Spring's context refresh to finish, which is what timed out: kill it.
      if (!exited) await stopServer(state, { keepLog: true, timeoutMs: 1_000 });
      throw new Error(`FHIR server ${why}. Last lines of ${logFile}:\n${tail(logFile, 60)}`);
    }
    await sleep(500);
  }
  // Something answered, but if our JVM died meanwhile (another program took the port), it is not ours.
  if (exited) throw new Error(`FHIR server exited during start-up (${exited}):\n${tail(logFile, 60)}`);

  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
  return {
    ...state,
    stateFile,
    startupMs: Date.now() - t0,
    stop: (stopOptions) => stopServer(stateFile, stopOptions),
  };
}

/**
 * Stops a server: SIGTERM to its process group, SIGKILL after timeoutMs (30 s). stateOrPid: a state
 * object, a state file path (default .cache/fhir-server/state.json) or a pid. Deletes the state file
 * and the log (unless keepLog). Returns whether it was running.
 */
export async function stopServer(
  stateOrPid = DEFAULT_STATE_FILE,
  { keepLog = false, timeoutMs = 30_000 } = {},
) {
  const stateFile = typeof stateOrPid === 'string' ? path.resolve(stateOrPid) : null;
  const state =
    typeof stateOrPid === 'number' ? { pid: stateOrPid } : stateFile ? readState(stateFile) : stateOrPid;
  if (!state?.pid) return false;

  const wasRunning = await stopProcessGroup(state.pid, {
    isAlive: isServerAlive,
    name: 'FHIR server',
    timeoutMs,
  });
  if (stateFile) fs.rmSync(stateFile, { force: true });
  if (state.logFile && !keepLog) fs.rmSync(state.logFile, { force: true });
  return wasRunning;
}

/** The state file's content, or null when there is none. */
export function readState(stateFile = DEFAULT_STATE_FILE) {
  return readStateFile(stateFile);
}

/** True while the pid is a live FHIR server of this launcher (a reused pid does not count). */
export function isServerAlive(pid) {
  return isProcessWithMarker(pid, MARKER);
}

async function answersMetadata(baseUrl) {
  try {
    const response = await fetch(`${baseUrl}/metadata`, {
      headers: { accept: 'application/fhir+json' },
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// CLI

const USAGE = `Usage: node tools/fhir-server/fhir-server.mjs <command> [options]
  build    [--force]              build the server jar with Maven (skipped while the cached build
                                  matches pom.xml and src/); "resolve" is the same
  start    [--port N] [--state F] [--log F] [--timeout S]
           start a server (empty in-memory database); the last line of output is
           FHIR_BASE_URL=http://127.0.0.1:<port>/fhir
  stop     [--state F] [--keep-log]
  status   [--state F]            exit code 0 if running, 1 if not
  logs     [--state F] [-n N]     last N (60) lines of the server log
Default state file: ${path.relative(process.cwd(), DEFAULT_STATE_FILE) || DEFAULT_STATE_FILE}`;

function parseArgs(argv) {
  const opts = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--port') opts.port = Number(value());
    else if (arg === '--state') opts.stateFile = value();
    else if (arg === '--log') opts.logFile = value();
    else if (arg === '--timeout') opts.timeoutMs = Number(value()) * 1000;
    else if (arg === '-n') opts.lines = Number(value());
    else if (arg === '--keep-log') opts.keepLog = true;
    else if (arg === '--force') opts.force = true;
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
  const running = Boolean(state && isServerAlive(state.pid));
  const log = (line) => console.log(line);

  switch (opts.help ? 'help' : command) {
    case 'build':
    case 'resolve':
      console.log(await buildServer({ log, force: opts.force }));
      return 0;
    case 'start': {
      if (running) {
        // The state file is written only once the server answered, so it is ready.
        console.log(`The FHIR server is already running (pid ${state.pid}, log ${state.logFile}).`);
        console.log(`FHIR_BASE_URL=${state.baseUrl}`);
        return 0;
      }
      const server = await startServer({ ...opts, stateFile, log });
      console.log(
        `FHIR server (HAPI ${server.hapiVersion}) started in ${(server.startupMs / 1000).toFixed(1)} s`,
      );
      console.log(`  pid ${server.pid}, log ${server.logFile}`);
      console.log(`FHIR_BASE_URL=${server.baseUrl}`);
      return 0;
    }
    case 'stop': {
      const t0 = Date.now();
      const stopped = await stopServer(stateFile, { keepLog: opts.keepLog });
      console.log(
        stopped
          ? `FHIR server stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s.`
          : 'The FHIR server was not running.',
      );
      return 0;
    }
    case 'status':
      if (running) console.log(`running: pid ${state.pid}, ${state.baseUrl}, since ${state.startedAt}`);
      else console.log(state ? `not running (last pid ${state.pid}, log ${state.logFile})` : 'not running');
      return running ? 0 : 1;
    case 'logs':
      if (!state) throw new Error(`no state file ${stateFile}; is a server started?`);
      console.log(tail(state.logFile, opts.lines ?? 60));
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
runAsScript(import.meta.url, main, 'fhir-server.mjs');
