import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** The repository root (the folder with nx.json), from sources under Jest or from dist/ under Node. */
function repositoryRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
  }
  throw new Error(`no nx.json above ${from}`);
}

const ROOT = repositoryRoot(__dirname);

/** A built service running as its own process, as in production. */
export interface RunningService {
  name: string;
  port: number;
  process: ChildProcess;
  /** Everything it wrote to stdout and stderr, for failure messages. */
  output: string[];
}

/** A TCP port free at the time of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts `dist/apps/<name>/src/main.js` on a free HTTP port with `env` (tools/test builds dist first). */
export async function spawnBuiltService(
  name: string,
  env: Record<string, string | undefined>,
): Promise<RunningService> {
  const main = path.join(ROOT, `dist/apps/${name}/src/main.js`);
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (tools/test does)`);
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return { name, port, process: child, output };
}

/** GET on a running service's HTTP port. */
export async function getFrom(port: number, route: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${route}`);
  return { status: response.status, body: await response.text() };
}

/**
 * Starts `names` (each with `env`, plus `extra[name]`) and resolves once every one answers
 * `/health/ready`; a service that does not within `timeoutMs` fails with the tail of its output.
 */
export async function startBuiltServices(
  names: string[],
  env: Record<string, string | undefined>,
  extra: Record<string, Record<string, string>> = {},
  timeoutMs = 90_000,
): Promise<RunningService[]> {
  const services: RunningService[] = [];
  for (const name of names) services.push(await spawnBuiltService(name, { ...env, ...extra[name] }));
  for (const service of services) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await getFrom(service.port, '/health/ready').then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) break;
      if (Date.now() > deadline) {
        await stopBuiltServices(services);
        throw new Error(`${service.name} not ready (output: ${service.output.join('').slice(-2000)})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return services;
}

/** SIGTERM to every service still running, and resolves once all have exited. */
export async function stopBuiltServices(services: RunningService[]): Promise<void> {
  const running = services.filter(
    (service) => service.process.exitCode === null && service.process.signalCode === null,
  );
  const exits = running.map(
    (service) => new Promise<void>((resolve) => service.process.once('exit', () => resolve())),
  );
  for (const service of running) service.process.kill('SIGTERM');
  await Promise.all(exits);
}
