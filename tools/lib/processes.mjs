// Process helpers shared by the local-infrastructure launchers (tools/kafka, tools/fhir-server): a
// detached JVM in its own process group, found again through a state file, stopped by group.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function java() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

export function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

/** Runs a command to completion, collecting stdout and stderr together. */
export function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** A free port from the OS (listen on port 0, read it, close); `exclude` keeps two picks apart. */
export async function freePort(exclude = []) {
  for (;;) {
    const server = net.createServer();
    await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    await new Promise((resolve) => server.close(resolve));
    if (!exclude.includes(port)) return port;
  }
}

export function assertPortFree(port) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error) =>
      reject(new Error(`port ${port} on 127.0.0.1 is not free (${error.code}); choose another --port`)),
    );
    server.listen(port, '127.0.0.1', () => server.close(resolve));
  });
}

export function tail(file, lines) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

/** A launcher's state file, or null when there is none. */
export function readStateFile(stateFile) {
  try {
    return JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
}

/** True while `pid` exists (EPERM: it does, but is not ours to signal). */
export function isProcessAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * True while `pid` is alive and its command line holds `marker`, so a pid reused by another program
 * does not count. Without /proc (macOS) kill(0) is trusted.
 */
export function isProcessWithMarker(pid, marker) {
  if (!isProcessAlive(pid)) return false;
  let stat;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true;
  }
  // A zombie has finished (its parent just has not reaped it yet).
  if (/^\S+ \(.*\) [ZX]/s.test(stat)) return false;
  // The command line is empty while the process is still exiting (alive for our purposes).
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline === '' || cmdline.includes(marker);
  } catch {
    return false; // gone since the line above
  }
}

/** SIGTERM to the process group, SIGKILL after `timeoutMs`; resolves once `isAlive(pid)` is false. */
export async function stopProcessGroup(pid, { isAlive, name, timeoutMs = 30_000 }) {
  if (!isAlive(pid)) return false;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    signalGroup(pid, 'SIGKILL');
    const killDeadline = Date.now() + 10_000;
    while (isAlive(pid)) {
      if (Date.now() > killDeadline) throw new Error(`${name} pid ${pid} survived SIGKILL`);
      await sleep(100);
    }
  }
  return true;
}

/** Runs `main(argv)` when the module at `moduleUrl` is the script node was started with. */
export function runAsScript(moduleUrl, main, name) {
  let entry = false;
  try {
    entry = fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(moduleUrl));
  } catch {
    entry = false;
  }
  if (!entry) return;
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => {
      console.error(`${name}: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
