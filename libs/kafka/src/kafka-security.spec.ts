import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import {
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';

// kafkajs's types declare this constructor without the message it takes.
const SaslAuthenticationError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
import {
  describeKafkaSecurity,
  explainKafkaError,
  KafkaConnectError,
  kafkaSecurityFromEnv,
  kafkaSecurityOptions,
  KafkaSecurityConfigError,
  readKafkaSecurity,
  Secret,
} from './kafka-security';

const PASSWORD = 'Tr0ub4dor-and-3';
const dir = mkdtempSync(path.join(os.tmpdir(), 'kafka-security-spec-'));
const file = (name: string) => path.join(dir, name);

beforeAll(() => {
  // A throwaway certificate and key (and a second key that is not the certificate's), made here so
  // that no private key lives in the repository.
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  execFileSync(
    'openssl',
    ['req', '-x509', ...ec, '-keyout', file('key.pem'), '-out', file('cert.pem')].concat([
      '-days',
      '2',
      '-subj',
      '/CN=kafka-security-spec',
    ]),
    { stdio: 'ignore' },
  );
  execFileSync(
    'openssl',
    [
      'genpkey',
      '-algorithm',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-out',
      file('other-key.pem'),
    ],
    {
      stdio: 'ignore',
    },
  );
  writeFileSync(file('password'), `${PASSWORD}\n`);
  writeFileSync(file('empty'), '\n');
  writeFileSync(file('not-pem'), 'hello\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const problemsOf = (env: Record<string, string>) => readKafkaSecurity(env).problems;

describe('readKafkaSecurity and kafkaSecurityOptions', () => {
  it('without variables: plaintext and no SASL, so the kafkajs options stay as they were', () => {
    const { security, problems } = readKafkaSecurity({ KAFKA_SSL: '', KAFKA_SASL_MECHANISM: '' });
    expect(problems).toEqual([]);
    expect(security).toEqual({});
    expect(kafkaSecurityOptions(security)).toEqual({});
    expect(describeKafkaSecurity(security)).toBe('plaintext');
  });

  it('TLS with a CA, a client certificate and SCRAM-SHA-512: the kafkajs ssl and sasl options', () => {
    const security = kafkaSecurityFromEnv({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: file('cert.pem'),
      KAFKA_SSL_CERT_FILE: file('cert.pem'),
      KAFKA_SSL_KEY_FILE: file('key.pem'),
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: PASSWORD,
    });
    const cert = readFileSync(file('cert.pem'), 'utf8');
    expect(kafkaSecurityOptions(security)).toEqual({
      ssl: { rejectUnauthorized: true, ca: [cert], cert, key: readFileSync(file('key.pem'), 'utf8') },
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: PASSWORD },
    });
    expect(describeKafkaSecurity(security)).toBe(
      `SASL SCRAM-SHA-512 as "svc" over TLS (CA ${file('cert.pem')}, client certificate)`,
    );
  });

  it('TLS with the default CAs, PLAIN with the password from a file (its trailing line break dropped)', () => {
    const security = kafkaSecurityFromEnv({
      KAFKA_SSL: '1',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD_FILE: file('password'),
    });
    expect(kafkaSecurityOptions(security)).toEqual({
      ssl: { rejectUnauthorized: true },
      sasl: { mechanism: 'plain', username: 'svc', password: PASSWORD },
    });
  });

  it('SCRAM-SHA-256 without TLS (SASL_PLAINTEXT) and TLS whose broker certificate is not checked', () => {
    expect(
      kafkaSecurityOptions(
        kafkaSecurityFromEnv({
          KAFKA_SASL_MECHANISM: 'scram-sha-256',
          KAFKA_SASL_USERNAME: 'svc',
          KAFKA_SASL_PASSWORD: PASSWORD,
        }),
      ),
    ).toEqual({ sasl: { mechanism: 'scram-sha-256', username: 'svc', password: PASSWORD } });
    const unchecked = kafkaSecurityFromEnv({ KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' });
    expect(kafkaSecurityOptions(unchecked)).toEqual({ ssl: { rejectUnauthorized: false } });
    expect(describeKafkaSecurity(unchecked)).toContain('NOT verified');
  });

  type Case = [string, (f: typeof file) => Record<string, string>, string];
  it.each<Case>([
    ['a flag that is not a boolean', () => ({ KAFKA_SSL: 'yes' }), 'KAFKA_SSL must be true or false'],
    [
      'TLS files without KAFKA_SSL',
      () => ({ KAFKA_SSL_CA_FILE: '/ca.pem' }),
      'KAFKA_SSL_CA_FILE set, but KAFKA_SSL is not true',
    ],
    [
      'a REJECT_UNAUTHORIZED that is not a boolean',
      () => ({ KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'no' }),
      'KAFKA_SSL_REJECT_UNAUTHORIZED must be true or false',
    ],
    [
      'a CA file that is not there',
      () => ({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nowhere/ca.pem' }),
      'KAFKA_SSL_CA_FILE: cannot read /nowhere/ca.pem (ENOENT)',
    ],
    [
      'a CA file without a certificate',
      (f) => ({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: f('not-pem') }),
      `KAFKA_SSL_CA_FILE ${file('not-pem')} holds no PEM certificate`,
    ],
    [
      'a client certificate without its key',
      (f) => ({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: f('cert.pem') }),
      'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together',
    ],
    [
      'a key file without a key',
      (f) => ({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: f('cert.pem'), KAFKA_SSL_KEY_FILE: f('not-pem') }),
      'holds no unencrypted PEM private key',
    ],
    [
      "a key that is not the certificate's",
      (f) => ({
        KAFKA_SSL: 'true',
        KAFKA_SSL_CERT_FILE: f('cert.pem'),
        KAFKA_SSL_KEY_FILE: f('other-key.pem'),
      }),
      'is not the key of KAFKA_SSL_CERT_FILE',
    ],
    [
      'credentials without a mechanism',
      () => ({ KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: PASSWORD }),
      'KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD set, but KAFKA_SASL_MECHANISM is not',
    ],
    [
      'an unknown mechanism',
      () => ({ KAFKA_SASL_MECHANISM: 'gssapi' }),
      'KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512',
    ],
    [
      'a mechanism without a user',
      () => ({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_PASSWORD: PASSWORD }),
      'KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM',
    ],
    [
      'a mechanism without a password',
      () => ({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'svc' }),
      'KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE is required with KAFKA_SASL_MECHANISM',
    ],
    [
      'a password and a password file',
      (f) => ({
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_SASL_USERNAME: 'svc',
        KAFKA_SASL_PASSWORD: PASSWORD,
        KAFKA_SASL_PASSWORD_FILE: f('password'),
      }),
      'set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both',
    ],
    [
      'an empty password file',
      (f) => ({
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_SASL_USERNAME: 'svc',
        KAFKA_SASL_PASSWORD_FILE: f('empty'),
      }),
      `KAFKA_SASL_PASSWORD_FILE ${file('empty')} is empty`,
    ],
    [
      'PLAIN without TLS',
      () => ({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: PASSWORD }),
      'KAFKA_SASL_MECHANISM=plain sends the password in clear text: set KAFKA_SSL=true',
    ],
  ])('refuses %s, saying so and never showing the password', (_, variables, expected) => {
    const env = variables(file);
    const problems = problemsOf(env).join('\n');
    expect(problems).toContain(expected);
    expect(problems).not.toContain(PASSWORD);
    expect(() => kafkaSecurityFromEnv(env)).toThrow(KafkaSecurityConfigError);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({ KAFKA_SSL: 'maybe', KAFKA_SASL_MECHANISM: 'kerberos' });
    expect(problems).toEqual([
      'KAFKA_SSL must be true or false',
      'KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512',
    ]);
  });
});

describe('Secret', () => {
  it('never prints its value: String, template literals, JSON and util.inspect show [redacted]', () => {
    const { security } = readKafkaSecurity({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: PASSWORD,
    });
    const password = security.sasl?.password as Secret;
    expect(`${password}`).toBe('[redacted]');
    expect(JSON.stringify(security)).not.toContain(PASSWORD);
    expect(inspect(security, { depth: 5 })).not.toContain(PASSWORD);
    expect(password.reveal()).toBe(PASSWORD);
  });
});

describe('explainKafkaError', () => {
  const context = {
    brokers: ['kafka-0:9093', 'kafka-1:9093'],
    security: {
      ssl: { rejectUnauthorized: true, caFile: '/etc/kafka/ca.pem', ca: 'x' },
      sasl: { mechanism: 'scram-sha-256' as const, username: 'svc', password: new Secret(PASSWORD) },
    },
  };

  it('names the user and mechanism of a refused authentication, even behind kafkajs wrappers', () => {
    const refused = new SaslAuthenticationError(
      `SASL SCRAM SHA256 authentication failed: invalid credentials (echo ${PASSWORD})`,
    );
    const wrapped = new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 0, retryTime: 300 });
    const explained = explainKafkaError(wrapped, context);
    expect(explained).toBeInstanceOf(KafkaConnectError);
    expect((explained as KafkaConnectError).failure).toBe('authentication');
    expect((explained as Error).message).toMatch(
      /^Kafka authentication failed for user "svc" via SCRAM-SHA-256 at kafka-0:9093,kafka-1:9093: the broker refused the credentials/,
    );
    // Were a message ever to carry the password, it is scrubbed.
    expect((explained as Error).message).not.toContain(PASSWORD);
    expect((explained as Error).cause).toBe(wrapped);
  });

  it('says which setting to check when the TLS handshake fails', () => {
    const untrusted = new KafkaJSConnectionError('Connection error: unable to verify the first certificate', {
      broker: 'kafka-0:9093',
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    const explained = explainKafkaError(untrusted, context) as KafkaConnectError;
    expect(explained.failure).toBe('tls');
    expect(explained.message).toBe(
      'Kafka TLS handshake with kafka-0:9093,kafka-1:9093 failed: unable to verify the first certificate ' +
        "(UNABLE_TO_VERIFY_LEAF_SIGNATURE). The broker's certificate is not signed by a CA in KAFKA_SSL_CA_FILE /etc/kafka/ca.pem.",
    );
    const noClientCertificate = new KafkaJSConnectionError('Connection error: alert certificate required', {
      code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    });
    expect(String(explainKafkaError(noClientCertificate, context))).toContain(
      'it may require a client certificate (KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE)',
    );
    const refusedCertificate = new KafkaJSConnectionError('Connection error: alert certificate unknown', {
      code: 'ERR_SSL_SSL/TLS_ALERT_CERTIFICATE_UNKNOWN',
    });
    const withCertificate = {
      ...context,
      security: { ...context.security, ssl: { ...context.security.ssl, cert: 'x' } },
    };
    expect(String(explainKafkaError(refusedCertificate, withCertificate))).toContain(
      'The broker refused the handshake: does it trust the CA of KAFKA_SSL_CERT_FILE?',
    );
  });

  it('returns other errors as they are', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED', {
      code: 'ECONNREFUSED',
    });
    expect(explainKafkaError(refused, context)).toBe(refused);
    // No SASL configured: an authentication error is not ours to explain.
    const sasl = new SaslAuthenticationError('refused');
    expect(explainKafkaError(sasl, { brokers: ['k:9092'] })).toBe(sasl);
  });
});
