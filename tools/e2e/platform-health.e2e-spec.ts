/**
 * End to end: the eight built services as real processes on a broker of this suite's own (so the
 * suite can stop it), the run's database, and their HTTP probes.
 */
import { SERVICE_NAMES } from '@meridian/contracts';
import {
  eventually,
  getFrom as get,
  runLauncher,
  spawnBuiltService,
  startLocalBroker,
  type RunningService,
} from '@meridian/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const STATE = path.join(ROOT, '.cache/kafka', `e2e-${process.pid}.json`);
const DATA_DIR = mkdtempSync(path.join(tmpdir(), 'meridian-e2e-kafka-'));

/** Checks the text exposition format line by line: HELP and TYPE per family, sample syntax. */
function prometheusProblems(text: string): string[] {
  const problems: string[] = [];
  const typed = new Set<string>();
  const sample =
    /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)( \d+)?$/;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) typed.add(type[1]);
    else if (line.startsWith('# HELP ')) continue;
    else if (line.startsWith('#')) problems.push(`bad comment line: ${line}`);
    else {
      const match = sample.exec(line);
      if (!match) problems.push(`bad sample line: ${line}`);
      else if (![...typed].some((family) => match[1] === family || match[1].startsWith(`${family}_`))) {
        problems.push(`sample without TYPE: ${line}`);
      }
    }
  }
  return problems;
}

describe('the eight services (real processes, real broker, real Postgres)', () => {
  let brokers: string;
  const running: RunningService[] = [];

  beforeAll(async () => {
    brokers = await startLocalBroker(['--state', STATE, '--dir', DATA_DIR]);
    const env = { ...process.env, KAFKA_BROKERS: brokers };
    execFileSync(process.execPath, [path.join(ROOT, 'dist/tools/provision/provision-topics.js')], { env });
    for (const name of SERVICE_NAMES) {
      running.push(
        await spawnBuiltService(name, {
          ...env,
          MLLP_PORT: '0',
          HEARTBEAT_INTERVAL_MS: '1000',
          KAFKA_SESSION_TIMEOUT_MS: '6000',
        }),
      );
    }
  });

  afterAll(async () => {
    for (const service of running) if (service.process.exitCode === null) service.process.kill('SIGKILL');
    await runLauncher(['stop', '--state', STATE]);
    rmSync(DATA_DIR, { recursive: true, force: true });
  });

  it('each service becomes ready, is live, and serves valid Prometheus metrics', async () => {
    for (const service of running) {
      await eventually(
        async () => ((await get(service.port, '/health/ready')).status === 200 ? true : undefined),
        {
          timeoutMs: 90_000,
          what: () => `${service.name} to be ready (output: ${service.output.join('').slice(-2000)})`,
        },
      );
      expect((await get(service.port, '/health/live')).status).toBe(200);
      const metrics = await get(service.port, '/metrics');
      expect(metrics.status).toBe(200);
      expect(prometheusProblems(metrics.body)).toEqual([]);
      expect(metrics.body).toContain(`meridian_build_info{service="${service.name}"`);
      expect(metrics.body).toContain('process_cpu_user_seconds_total');
    }
  });

  it('the health monitor hears every service’s heartbeat through Kafka', async () => {
    const monitor = running.find((s) => s.name === 'health-monitor')!;
    await eventually(
      async () => {
        const { body } = await get(monitor.port, '/metrics');
        return SERVICE_NAMES.every((name) =>
          body.includes(`meridian_service_last_heartbeat_timestamp_seconds{service="${name}"}`),
        )
          ? true
          : undefined;
      },
      { what: 'heartbeats from all eight services' },
    );
    const { body } = await get(monitor.port, '/metrics');
    expect(body).toMatch(
      /meridian_messages_consumed_total\{topic="service\.heartbeats\.v1",consumer_group="meridian\.health-monitor",outcome="success"\} \d+/,
    );
    expect(body).toContain('meridian_consumer_lag{');
  });

  it('readiness turns 503 when Kafka stops, while liveness stays 200', async () => {
    await runLauncher(['stop', '--state', STATE]);
    for (const service of running) {
      const ready = await eventually(
        async () => {
          const response = await get(service.port, '/health/ready');
          return response.status === 503 ? response : undefined;
        },
        { timeoutMs: 30_000, what: `${service.name} to report 503` },
      );
      expect(JSON.parse(ready.body)).toMatchObject({ status: 'error', error: { kafka: { status: 'down' } } });
      expect((await get(service.port, '/health/live')).status).toBe(200);
    }
  });

  it('recovers readiness when the same broker returns', async () => {
    expect(await startLocalBroker(['--state', STATE, '--dir', DATA_DIR])).toBe(brokers);
    for (const service of running) {
      await eventually(
        async () => ((await get(service.port, '/health/ready')).status === 200 ? true : undefined),
        {
          timeoutMs: 90_000,
          what: `${service.name} to be ready again`,
        },
      );
    }
  });

  it('each service exits cleanly on SIGTERM', async () => {
    const exits = running.map(
      (service) =>
        new Promise<number | null>((resolve) => {
          service.process.once('exit', (code) => resolve(code));
          service.process.kill('SIGTERM');
        }),
    );
    expect(await Promise.all(exits)).toEqual(running.map(() => 0));
  });
});
