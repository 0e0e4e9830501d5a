import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Controller, Module, type INestApplication } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { allTopicDefinitions, createCloudEvent, type CloudEvent } from '@meridian/contracts';
import {
  createKafkaClient,
  EventProducer,
  explainClientError,
  KafkaConnectError,
  kafkaSecurityFromEnv,
} from '@meridian/kafka';
import { startService } from '@meridian/platform';
import {
  collectRecords,
  createTopics,
  eventually,
  startSaslSslBroker,
  uniqueName,
  type SaslSslBroker,
} from '@meridian/testing';
import { dlqCli } from '../dlq/dlq-cli';
import { provisionFromEnv } from '../provision/provision-topics';

/**
 * Every kind of Kafka client the project builds (a plain kafkajs client from createKafkaClient, a
 * service started by libs/platform, provisioning, the DLQ CLI), configured only through the
 * KAFKA_SSL* / KAFKA_SASL_* variables, against a broker of this suite's own with a SASL_SSL
 * listener (tools/kafka --sasl-ssl: a self-signed CA, PLAIN and SCRAM users).
 */

const password = () => randomBytes(12).toString('base64url');
const USERS = [
  { username: 'svc-512', password: password() },
  { username: 'svc-256', password: password() },
  { username: 'svc-plain', password: password() },
];
const [SCRAM_512, SCRAM_256, PLAIN] = USERS;
const SERVICE_TOPIC = uniqueName('test.sasl-service');

const received: number[] = [];

@Controller()
class SecuredHandler {
  @EventPattern(SERVICE_TOPIC)
  handle(@Payload() event: CloudEvent<{ n: number }>) {
    received.push(event.data.n);
  }
}

@Module({ controllers: [SecuredHandler] })
class SecuredModule {}

interface ReadinessBody {
  status: string;
  details: { kafka: { status: string; broker: string; error?: string } };
}

describe('Kafka over TLS and SASL (a broker with a SASL_SSL listener)', () => {
  let broker: SaslSslBroker;
  let app: INestApplication | undefined;

  /** The security variables for `user` (password given inline or as a file) on the SASL_SSL listener. */
  function securityEnv(
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512',
    user: { username: string; password?: string },
    extra: Record<string, string> = {},
  ): Record<string, string> {
    return {
      KAFKA_BROKERS: broker.brokers,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: broker.caFile,
      KAFKA_SASL_MECHANISM: mechanism,
      KAFKA_SASL_USERNAME: user.username,
      ...(user.password === undefined
        ? { KAFKA_SASL_PASSWORD_FILE: broker.passwordFile(user.username) }
        : { KAFKA_SASL_PASSWORD: user.password }),
      ...extra,
    };
  }

  /** A client as the tools build theirs: the environment's settings through kafkaSecurityFromEnv. */
  function clientFromEnv(env: Record<string, string>, retries = 2) {
    return createKafkaClient({
      brokers: [broker.brokers],
      clientId: uniqueName('sasl-test'),
      security: kafkaSecurityFromEnv(env),
      retries,
    });
  }

  /** Connects an admin of `kafka` and returns the explained failure (or fails if it connects). */
  async function connectFailure(kafka: ReturnType<typeof createKafkaClient>): Promise<unknown> {
    const admin = kafka.admin();
    try {
      await admin.connect();
    } catch (error) {
      return explainClientError(kafka, error);
    } finally {
      await admin.disconnect();
    }
    throw new Error('the client connected');
  }

  async function roundTrip(env: Record<string, string>): Promise<string[]> {
    const kafka = clientFromEnv(env);
    const topic = uniqueName('test.sasl');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await createTopics(admin, [topic]);
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ key: 'k', value: `over ${env.KAFKA_SASL_MECHANISM}` }] });
    } finally {
      await producer.disconnect();
    }
    const records = await collectRecords(kafka, topic, { count: 1 });
    return records.map((record) => String(record.message.value));
  }

  beforeAll(async () => {
    broker = await startSaslSslBroker({ users: USERS });
  });

  afterAll(async () => {
    await app?.close();
    await broker?.stop();
  });

  it('SCRAM-SHA-512 with the CA and a client certificate (mutual TLS): produces and consumes', async () => {
    const env = securityEnv('scram-sha-512', SCRAM_512, {
      KAFKA_SSL_CERT_FILE: broker.clientCertFile,
      KAFKA_SSL_KEY_FILE: broker.clientKeyFile,
    });
    expect(await roundTrip(env)).toEqual(['over scram-sha-512']);
  });

  it('SCRAM-SHA-256 with the CA, the password from a file: produces and consumes', async () => {
    const env = securityEnv('scram-sha-256', { username: SCRAM_256.username });
    expect(env.KAFKA_SASL_PASSWORD_FILE).toBeDefined();
    expect(await roundTrip(env)).toEqual(['over scram-sha-256']);
  });

  it('provisioning and the DLQ CLI take the same settings (PLAIN)', async () => {
    const env = securityEnv('plain', PLAIN);
    const report = await provisionFromEnv(env);
    const registry = allTopicDefinitions().map((topic) => topic.name);
    expect([...report.created].sort()).toEqual([...registry].sort());
    const deadLetterTopics = registry.filter((name) => name.endsWith('.dlq')).sort();
    // Offsets of a partition created a moment ago are served once its leader took it over (which
    // may trail the metadata that provisioning waits for): wait for that, then run the CLI once.
    const admin = clientFromEnv(env).admin();
    await admin.connect();
    try {
      await eventually(() => Promise.all(deadLetterTopics.map((topic) => admin.fetchTopicOffsets(topic))), {
        what: 'offsets of the new DLQ topics',
      });
    } finally {
      await admin.disconnect();
    }

    // The CLI reads process.env, as it does when an operator runs it.
    const printed: string[] = [];
    const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
    Object.assign(process.env, env);
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      await dlqCli(['list']);
    } finally {
      write.mockRestore();
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    const listed = printed.join('').match(/\S+\.dlq$/gm) ?? [];
    expect(listed.sort()).toEqual(deadLetterTopics);
  });

  it('a service (PLAIN, password from a file) is ready and handles what its producer sent', async () => {
    const admin = clientFromEnv(securityEnv('plain', PLAIN)).admin();
    await admin.connect();
    await createTopics(admin, [SERVICE_TOPIC]).finally(() => admin.disconnect());
    ({ app } = await startService(
      { name: 'orchestrator', defaultPort: 0, imports: [SecuredModule] },
      {
        env: {
          ...process.env,
          ...securityEnv('plain', { username: PLAIN.username }),
          PORT: '0',
          LOG_LEVEL: 'warn',
          KAFKA_SESSION_TIMEOUT_MS: '6000',
        },
        handleSignals: false,
      },
    ));
    const event = createCloudEvent({
      source: '/meridian/test',
      type: 'org.meridian.test.v1',
      data: { n: 7 },
    });
    await app.get(EventProducer).publish(SERVICE_TOPIC, [{ key: 'k', event }]);
    await eventually(() => (received.includes(7) ? true : undefined), {
      what: 'the handler to get record 7',
    });
    const ready = await readiness();
    expect(ready.status).toBe(200);
    expect(ready.body.details.kafka).toMatchObject({ status: 'up', broker: 'reachable' });
  });

  it('a wrong password stops the start-up with an error naming the user and mechanism, never the password', async () => {
    const wrong = `not-${SCRAM_512.password}`;
    const env = securityEnv('scram-sha-512', { username: SCRAM_512.username, password: wrong });
    const failure = startService(
      { name: 'orchestrator', defaultPort: 0, imports: [] },
      { env: { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'error' }, handleSignals: false },
    );
    const error = await failure.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(KafkaConnectError);
    expect((error as KafkaConnectError).failure).toBe('authentication');
    const message = (error as Error).message;
    expect(message).toContain('Kafka authentication failed for user "svc-512" via SCRAM-SHA-512');
    expect(message).not.toContain(wrong);
    expect(message).not.toContain(SCRAM_512.password);

    // The tools' clients explain it the same way.
    const cliError = await connectFailure(clientFromEnv(env, 1));
    expect(String(cliError)).toContain('authentication failed for user "svc-512" via SCRAM-SHA-512');
    expect(String(cliError)).not.toContain(wrong);
  });

  it('a client without the CA is refused with a TLS error that names KAFKA_SSL_CA_FILE', async () => {
    const { KAFKA_SSL_CA_FILE: _ca, ...env } = securityEnv('scram-sha-512', SCRAM_512);
    const error = await connectFailure(clientFromEnv(env, 1));
    expect(error).toBeInstanceOf(KafkaConnectError);
    expect((error as KafkaConnectError).failure).toBe('tls');
    expect((error as Error).message).toMatch(
      /^Kafka TLS handshake with 127\.0\.0\.1:\d+ failed: .*certificate.*not signed by a CA this client trusts: set KAFKA_SSL_CA_FILE/,
    );
  });

  it('mutual TLS: a client certificate the broker does not trust is refused, so the certificate is sent', () => {
    // A self-signed certificate, not one of the broker's CA: the listener (ssl.client.auth=requested)
    // checks any certificate a client presents.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kafka-security-int-'));
    const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'].concat([
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=stranger',
      ]),
      { stdio: 'ignore' },
    );
    const env = securityEnv('scram-sha-512', SCRAM_512, {
      KAFKA_SSL_CERT_FILE: cert,
      KAFKA_SSL_KEY_FILE: key,
    });
    return connectFailure(clientFromEnv(env, 1))
      .then((error) => {
        expect(error).toBeInstanceOf(KafkaConnectError);
        expect((error as KafkaConnectError).failure).toBe('tls');
        expect((error as Error).message).toContain('does it trust the CA of KAFKA_SSL_CERT_FILE?');
      })
      .finally(() => rmSync(dir, { recursive: true, force: true }));
  });

  it('a running service whose password the broker no longer takes answers readiness 503, naming the authentication', async () => {
    expect(app).toBeDefined();
    expect((await readiness()).status).toBe(200);
    // The broker comes back with another PLAIN password for the service's user: its connections
    // are re-established with the old one and refused.
    await broker.restart([{ username: PLAIN.username, password: password() }]);
    const refused = await eventually(
      async () => {
        const response = await readiness();
        return response.body.details.kafka.error?.includes('authentication failed') ? response : undefined;
      },
      { what: 'readiness to report the failed authentication' },
    );
    expect(refused.status).toBe(503);
    expect(refused.body.details.kafka).toMatchObject({ status: 'down', broker: 'unreachable' });
    expect(refused.body.details.kafka.error).toContain(
      'Kafka authentication failed for user "svc-plain" via PLAIN',
    );
    expect(JSON.stringify(refused.body)).not.toContain(PLAIN.password);
  });

  async function readiness(): Promise<{ status: number; body: ReadinessBody }> {
    if (!app) throw new Error('the service is not running');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const response = await fetch(`${url}/health/ready`);
    return { status: response.status, body: (await response.json()) as ReadinessBody };
  }
});
