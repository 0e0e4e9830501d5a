/**
 * A real FHIR R4 server for integration tests: FHIR_BASE_URL if set (a developer's server, the
 * docker-compose `fhir` profile, CI services), otherwise one local HAPI FHIR server per test run
 * (tools/fhir-server), started by the first suite that asks and stopped by the global teardown.
 * Imported by Jest's global setup and teardown, so only relative imports here.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const LAUNCHER = path.join(REPO_ROOT, 'tools/fhir-server/fhir-server.mjs');
/** Set by the global setup and inherited by the workers: the run's state file for the launcher. */
const STATE_VARIABLE = 'MERIDIAN_FHIR_SERVER_STATE';

/**
 * What a `beforeAll` calling {@link fhirServer} should allow: a start takes tens of seconds, and on a
 * machine that never built the server a Maven build (downloads included) comes first.
 */
export const FHIR_SERVER_TIMEOUT_MS = 600_000;

/**
 * The base URL (`http://host:port/fhir`, no trailing slash) of the run's FHIR R4 server. Call it in
 * `beforeAll(..., FHIR_SERVER_TIMEOUT_MS)`. The server is shared by every suite of the run and keeps
 * what they write until the run ends, so a suite isolates its data itself: identifiers in a system of
 * its own ({@link uniqueIdentifierSystem}), searches scoped by that system, client-assigned ids with a
 * random part. Never rely on counts across the whole server.
 */
export async function fhirServer(): Promise<string> {
  const configured = process.env.FHIR_BASE_URL;
  if (configured) return configured.replace(/\/+$/, '');
  const stateFile = process.env[STATE_VARIABLE];
  if (!stateFile) {
    throw new Error(
      'No FHIR server: set FHIR_BASE_URL, or run the tests through jest.int.config.js (its global setup names the run)',
    );
  }
  // Suites in parallel workers ask at the same time; only the first one starts the server, the others
  // then find it running through the state file (`start` prints the running server's URL).
  return withLock(`${stateFile}.lock`, async () => {
    const stdout = await runFhirLauncher(['start', '--state', stateFile]);
    const baseUrl = /FHIR_BASE_URL=(\S+)/.exec(stdout)?.[1];
    if (!baseUrl) throw new Error(`the FHIR server launcher printed no FHIR_BASE_URL line:\n${stdout}`);
    return baseUrl;
  });
}

/** An identifier system no other suite or run uses (`https://meridian.test/identifiers/<label>/<uuid>`). */
export function uniqueIdentifierSystem(label: string): string {
  return `https://meridian.test/identifiers/${label}/${randomUUID()}`;
}

/** Global setup: names this run's FHIR server (nothing starts until a suite calls fhirServer()). */
export function nameRunFhirServer(): void {
  process.env[STATE_VARIABLE] ??= path.join(REPO_ROOT, '.cache/fhir-server', `test-run-${process.pid}.json`);
}

/** Global teardown: stops this run's FHIR server if a suite started one. */
export async function stopRunFhirServer(): Promise<void> {
  const stateFile = process.env[STATE_VARIABLE];
  if (stateFile && existsSync(stateFile)) await runFhirLauncher(['stop', '--state', stateFile]);
}

/** Runs the FHIR server launcher's CLI (tools/fhir-server/fhir-server.mjs) and returns what it printed. */
export async function runFhirLauncher(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [LAUNCHER, ...args], {
    timeout: FHIR_SERVER_TIMEOUT_MS,
    maxBuffer: 10 * 1024 * 1024,
  });
  return stdout;
}

/** Runs `action` while holding `lockFile` (created exclusively; a lock of a dead process is taken over). */
async function withLock<T>(lockFile: string, action: () => Promise<T>): Promise<T> {
  mkdirSync(path.dirname(lockFile), { recursive: true });
  const deadline = Date.now() + FHIR_SERVER_TIMEOUT_MS;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!lockHolderAlive(lockFile)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockFile}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await action();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

function lockHolderAlive(lockFile: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lockFile, 'utf8'));
  } catch {
    return true; // gone or just created and not written yet: look again
  }
  if (!(pid > 0)) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
