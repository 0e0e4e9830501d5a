/**
 * Webhook deliveries per second to a local receiver, from this process, for:
 *
 *   dispatcher delivery code   libs/security sendWebhook, what the dispatcher runs per attempt: sign
 *                              (HMAC-SHA256), SSRF check of the URL, a fresh connection pinned to the
 *                              checked address, one deadline, bounded response read
 *   plain POST, new connection signWebhook + http.request with no agent (a connection per POST)
 *   plain POST, keep-alive     signWebhook + http.request on a keep-alive agent
 *
 * and the ratios. BENCH_CONCURRENCY requests in flight; warmed up, then BENCH_ROUNDS alternating
 * rounds of BENCH_SECONDS; medians printed. Asserts nothing.
 *
 * Those rounds time exactly `sendWebhook` per delivery, the HTTP attempt: no Kafka, no Postgres, no
 * breaker or rate limiter: the ceiling of one dispatcher process's attempt path. Then, unless
 * BENCH_SERVICE=0, the service itself (tools/bench/webhook-service.ts): BENCH_SERVICE_EVENTS events
 * through webhooks.outbound.v1 and the built dispatcher process (fan-out, Postgres rows, dispatch
 * consumer, delivery records) to the same kind of receiver, next to the plain POST rates.
 *
 *   npm run bench:webhooks        BENCH_SECONDS=2 BENCH_ROUNDS=5 BENCH_CONCURRENCY=16 by default
 *                                 (after `npm run build`; the service run needs a broker and Postgres)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateWebhookSecret, parseAllowList, sendWebhook, signWebhook } from '@meridian/security';
import { measureService } from './webhook-service';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

const secrets = [generateWebhookSecret()];
const body = JSON.stringify({
  type: 'patient.admitted',
  timestamp: new Date().toISOString(),
  data: {
    patient: { reference: 'Patient/4f1c9a52-9a1e-4d6b-8f0e-3b5d2c7a9e10' },
    encounter: { reference: 'Encounter/0b7e7d2c-5f4a-4c5e-9d1a-2e8f6a3b1c77' },
    facility: 'GOODHEALTH',
  },
});

type Deliver = (url: string, n: number) => Promise<void>;

const allowList = parseAllowList(['127.0.0.1']);
const dispatcherPath: Deliver = async (url, n) => {
  const { response } = await sendWebhook({
    url,
    webhookId: `msg_bench${n}`,
    body,
    secrets,
    timeoutMs: 15_000,
    allowList,
    allowHttp: true,
    maxResponseBytes: 1024,
  });
  if (!response.ok || response.status >= 300) throw new Error(`delivery failed: ${JSON.stringify(response)}`);
};

function plainPost(agent: http.Agent | false): Deliver {
  return (url, n) =>
    new Promise((resolve, reject) => {
      const headers = {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        ...signWebhook({ id: `msg_bench${n}`, timestamp: Math.floor(Date.now() / 1000), body, secrets }),
      };
      const request = http.request(url, { method: 'POST', headers, agent }, (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode && response.statusCode < 300 ? resolve() : reject(new Error('not 2xx')),
        );
      });
      request.on('error', reject);
      request.end(body);
    });
}

/** Deliveries per second over at least SECONDS with CONCURRENCY in flight. */
async function measure(url: string, deliver: Deliver): Promise<number> {
  const started = process.hrtime.bigint();
  const budget = BigInt(Math.round(SECONDS * 1e9));
  let done = 0;
  let n = 0;
  const worker = async () => {
    while (process.hrtime.bigint() - started < budget) {
      await deliver(url, n++);
      done++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return done / (Number(process.hrtime.bigint() - started) / 1e9);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function main(): Promise<void> {
  let received = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received++;
      response.writeHead(204);
      response.end();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  const paths: [string, Deliver][] = [
    ['dispatcher delivery code', dispatcherPath],
    ['plain POST, new connection', plainPost(false)],
    ['plain POST, keep-alive', plainPost(keepAlive)],
  ];
  for (const [, deliver] of paths) for (let i = 0; i < 200; i++) await deliver(url, i);

  const rates = new Map<string, number[]>(paths.map(([name]) => [name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, deliver] of paths) rates.get(name)?.push(await measure(url, deliver));
  }
  keepAlive.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));

  const medians = new Map([...rates].map(([name, values]) => [name, median(values)]));
  const dispatcher = medians.get('dispatcher delivery code') as number;
  process.stdout.write(
    `webhook deliveries to a local receiver, ${CONCURRENCY} in flight, ${ROUNDS} rounds of ${SECONDS} s ` +
      `(medians; body ${Buffer.byteLength(body)} bytes, ${received} requests received):\n`,
  );
  for (const [name, rate] of medians) {
    process.stdout.write(`  ${name.padEnd(28)} ${rate.toFixed(0).padStart(7)} deliveries/s\n`);
  }
  for (const [name, rate] of medians) {
    if (name === 'dispatcher delivery code') continue;
    process.stdout.write(`  ratio dispatcher / ${name.padEnd(26)} ${(dispatcher / rate).toFixed(2)}\n`);
  }
  if (process.env.BENCH_SERVICE === '0') return;
  const service = await measureService(() => JSON.parse(body) as object);
  process.stdout.write(
    `the dispatcher service: ${service.events} events via webhooks.outbound.v1 → built dispatcher → ` +
      `${service.endpoints} endpoints ` +
      `in ${service.seconds.toFixed(1)} s\n  dispatcher service            ${service.perSecond.toFixed(0).padStart(7)} deliveries/s\n`,
  );
  for (const [name, rate] of medians) {
    if (name === 'dispatcher delivery code') continue;
    process.stdout.write(`  ratio service / ${name.padEnd(29)} ${(service.perSecond / rate).toFixed(2)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
