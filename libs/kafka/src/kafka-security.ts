import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import type { KafkaConfig, SASLOptions } from 'kafkajs';

/**
 * TLS and SASL towards the brokers, for every Kafka client the project builds: read from the
 * environment once (`readKafkaSecurity`), turned into kafkajs's `ssl`/`sasl` options by
 * `kafkaSecurityOptions` (the one place), and failures to connect explained by `explainKafkaError`.
 */

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** The variables `readKafkaSecurity` reads (documented in libs/kafka/README.md). */
export const KAFKA_SECURITY_VARIABLES = [
  'KAFKA_SSL',
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SSL_CERT_FILE',
  'KAFKA_SSL_KEY_FILE',
  'KAFKA_SSL_REJECT_UNAUTHORIZED',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'KAFKA_SASL_PASSWORD_FILE',
] as const;

const REDACTED = '[redacted]';

/** A secret value that never prints: String(), JSON and util.inspect (Nest's logger) show `[redacted]`. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The value itself, for the one place that hands it to kafkajs. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

export interface KafkaSecurity {
  /** TLS; absent = plaintext. */
  ssl?: {
    /** PEM bundle of the CAs to trust (KAFKA_SSL_CA_FILE); absent = Node's default CAs. */
    ca?: string;
    caFile?: string;
    /** Client certificate and its key, both PEM (mutual TLS). */
    cert?: string;
    certFile?: string;
    key?: Secret;
    /** false only with KAFKA_SSL_REJECT_UNAUTHORIZED=false: the broker's certificate is not checked. */
    rejectUnauthorized: boolean;
  };
  /** SASL authentication; absent = none. */
  sasl?: { mechanism: SaslMechanism; username: string; password: Secret };
}

export class KafkaSecurityConfigError extends Error {
  override readonly name = 'KafkaSecurityConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid Kafka security settings:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads and checks the Kafka security variables: files are read (and PEM parsed) now, so a missing
 * or wrong file is a start-up problem, not a failure at the first connection. Returns every problem
 * found (never a secret's value) instead of throwing, so callers can list them with their own.
 */
export function readKafkaSecurity(env: Env): { security: KafkaSecurity; problems: string[] } {
  const problems: string[] = [];
  const value = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const flag = (name: string, fallback: boolean) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    problems.push(`${name} must be true or false`);
    return fallback;
  };
  const file = (name: string) => {
    const path = value(name);
    if (path === undefined) return undefined;
    try {
      return { path, text: readFileSync(path, 'utf8') };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      problems.push(`${name}: cannot read ${path} (${code})`);
      return undefined;
    }
  };

  const security: KafkaSecurity = {};
  const sslOn = flag('KAFKA_SSL', false);
  const sslVariables = KAFKA_SECURITY_VARIABLES.filter((n) => n.startsWith('KAFKA_SSL_'));
  if (!sslOn) {
    const stray = sslVariables.filter((name) => value(name) !== undefined);
    if (stray.length > 0) problems.push(`${stray.join(', ')} set, but KAFKA_SSL is not true`);
  } else {
    const rejectUnauthorized = flag('KAFKA_SSL_REJECT_UNAUTHORIZED', true);
    const ca = file('KAFKA_SSL_CA_FILE');
    if (ca && certificates(ca.text) === 0)
      problems.push(`KAFKA_SSL_CA_FILE ${ca.path} holds no PEM certificate`);
    const cert = file('KAFKA_SSL_CERT_FILE');
    const key = file('KAFKA_SSL_KEY_FILE');
    if (Boolean(value('KAFKA_SSL_CERT_FILE')) !== Boolean(value('KAFKA_SSL_KEY_FILE')))
      problems.push(
        'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (a client certificate and its key)',
      );
    const certificate = cert && parseCertificate(cert.text);
    if (cert && !certificate) problems.push(`KAFKA_SSL_CERT_FILE ${cert.path} holds no PEM certificate`);
    const privateKey = key && parsePrivateKey(key.text);
    if (key && !privateKey)
      problems.push(`KAFKA_SSL_KEY_FILE ${key.path} holds no unencrypted PEM private key`);
    if (certificate && privateKey && !certificate.checkPrivateKey(privateKey))
      problems.push(`KAFKA_SSL_KEY_FILE ${key.path} is not the key of KAFKA_SSL_CERT_FILE ${cert.path}`);
    security.ssl = {
      rejectUnauthorized,
      ...(ca ? { ca: ca.text, caFile: ca.path } : {}),
      ...(cert && key ? { cert: cert.text, certFile: cert.path, key: new Secret(key.text) } : {}),
    };
  }

  const mechanismValue = value('KAFKA_SASL_MECHANISM')?.toLowerCase();
  if (mechanismValue === undefined) {
    const stray = ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE'].filter(
      (name) => value(name) !== undefined,
    );
    if (stray.length > 0)
      problems.push(
        `${stray.join(', ')} set, but KAFKA_SASL_MECHANISM is not (${SASL_MECHANISMS.join(', ')})`,
      );
  } else if (!(SASL_MECHANISMS as readonly string[]).includes(mechanismValue)) {
    problems.push(`KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}`);
  } else {
    const mechanism = mechanismValue as SaslMechanism;
    const username = value('KAFKA_SASL_USERNAME');
    if (username === undefined) problems.push('KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM');
    let password: string | undefined;
    if (value('KAFKA_SASL_PASSWORD') !== undefined && value('KAFKA_SASL_PASSWORD_FILE') !== undefined) {
      problems.push('set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both');
    } else if (value('KAFKA_SASL_PASSWORD') !== undefined) {
      password = value('KAFKA_SASL_PASSWORD');
    } else if (value('KAFKA_SASL_PASSWORD_FILE') !== undefined) {
      const passwordFile = file('KAFKA_SASL_PASSWORD_FILE');
      // A Secret mounted as a file, or one written with `echo`: one trailing line break is not part of it.
      password = passwordFile?.text.replace(/\r?\n$/, '');
      if (passwordFile && password === '')
        problems.push(`KAFKA_SASL_PASSWORD_FILE ${passwordFile.path} is empty`);
    } else {
      problems.push('KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE is required with KAFKA_SASL_MECHANISM');
    }
    if (mechanism === 'plain' && !sslOn)
      problems.push('KAFKA_SASL_MECHANISM=plain sends the password in clear text: set KAFKA_SSL=true');
    if (username !== undefined && password)
      security.sasl = { mechanism, username, password: new Secret(password) };
  }
  return { security, problems };
}

/** `readKafkaSecurity` for the command-line tools: throws one error listing every problem. */
export function kafkaSecurityFromEnv(env: Env = process.env): KafkaSecurity {
  const { security, problems } = readKafkaSecurity(env);
  if (problems.length > 0) throw new KafkaSecurityConfigError(problems);
  return security;
}

/** The one translation of the settings into kafkajs's `ssl` and `sasl` client options. */
export function kafkaSecurityOptions(security: KafkaSecurity = {}): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const { ssl, sasl } = security;
  return {
    ...(ssl
      ? {
          ssl: {
            rejectUnauthorized: ssl.rejectUnauthorized,
            ...(ssl.ca ? { ca: [ssl.ca] } : {}),
            ...(ssl.cert && ssl.key ? { cert: ssl.cert, key: ssl.key.reveal() } : {}),
          },
        }
      : {}),
    ...(sasl ? { sasl: saslOptions(sasl) } : {}),
  };
}

function saslOptions(sasl: NonNullable<KafkaSecurity['sasl']>): SASLOptions {
  const credentials = { username: sasl.username, password: sasl.password.reveal() };
  return sasl.mechanism === 'plain'
    ? { mechanism: 'plain', ...credentials }
    : { mechanism: sasl.mechanism, ...credentials };
}

/** `plaintext`, `TLS (CA <file>)`, `SASL SCRAM-SHA-512 as "svc" over TLS`...: for logs, never a secret. */
export function describeKafkaSecurity(security: KafkaSecurity = {}): string {
  const tls = security.ssl
    ? `TLS (${security.ssl.caFile ? `CA ${security.ssl.caFile}` : 'default CAs'}${security.ssl.cert ? ', client certificate' : ''}${security.ssl.rejectUnauthorized ? '' : ', broker certificate NOT verified'})`
    : undefined;
  if (!security.sasl) return tls ?? 'plaintext';
  return `SASL ${security.sasl.mechanism.toUpperCase()} as "${security.sasl.username}" over ${tls ?? 'plaintext'}`;
}

export type KafkaFailure = 'authentication' | 'tls';

/** A connection failure that the settings explain (wrong credentials, an untrusted certificate...). */
export class KafkaConnectError extends Error {
  override readonly name = 'KafkaConnectError';
  constructor(
    readonly failure: KafkaFailure,
    message: string,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

// Node's TLS error codes (OpenSSL's verification results and ERR_SSL_*/ERR_TLS_*).
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|HOSTNAME_MISMATCH)/;
const UNTRUSTED =
  /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_UNTRUSTED)/;

/**
 * Turns a kafkajs failure that the security settings explain into a KafkaConnectError saying what
 * went wrong and which settings to check: SASL authentication refused (user and mechanism named),
 * or the TLS handshake failed (untrusted certificate, client certificate required...). Any other
 * error is returned as it is. The password never appears, even if a message were to carry it.
 */
export function explainKafkaError(
  error: unknown,
  context: { brokers: string[]; security?: KafkaSecurity },
): unknown {
  const { security = {} } = context;
  const brokers = context.brokers.join(',');
  const scrub = (text: string) => {
    const secret = security.sasl?.password.reveal();
    return secret ? text.split(secret).join(REDACTED) : text;
  };
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 5; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (cause.name === 'KafkaJSSASLAuthenticationError' && security.sasl) {
      const { mechanism, username } = security.sasl;
      return new KafkaConnectError(
        'authentication',
        `Kafka authentication failed for user "${username}" via ${mechanism.toUpperCase()} at ${brokers}: ` +
          `the broker refused the credentials (check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD or ` +
          `KAFKA_SASL_PASSWORD_FILE, and KAFKA_SASL_MECHANISM). Broker: ${scrub(cause.message)}`,
        { cause: error },
      );
    }
    if (typeof code === 'string' && TLS_CODE.test(code)) {
      return new KafkaConnectError(
        'tls',
        `Kafka TLS handshake with ${brokers} failed: ${scrub(cause.message.replace(/^Connection error: /, ''))} ` +
          `(${code}). ${tlsHint(code, security)}`,
        { cause: error },
      );
    }
    cause = cause.cause;
  }
  return error;
}

function tlsHint(code: string, security: KafkaSecurity): string {
  const caFile = security.ssl?.caFile;
  if (UNTRUSTED.test(code))
    return caFile
      ? `The broker's certificate is not signed by a CA in KAFKA_SSL_CA_FILE ${caFile}.`
      : "The broker's certificate is not signed by a CA this client trusts: set KAFKA_SSL_CA_FILE to the CA's PEM file.";
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH')
    return "The broker's certificate does not name the host in KAFKA_BROKERS.";
  if (code === 'CERT_HAS_EXPIRED') return "The broker's certificate has expired.";
  if (/CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE|BAD_CERTIFICATE|UNKNOWN_CA/.test(code))
    return security.ssl?.cert
      ? 'The broker refused the handshake: does it trust the CA of KAFKA_SSL_CERT_FILE?'
      : 'The broker refused the handshake: it may require a client certificate (KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE).';
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER')
    return 'The listener does not speak TLS: is KAFKA_SSL=true meant for it?';
  return 'Check KAFKA_SSL and the KAFKA_SSL_* files.';
}

function certificates(pem: string): number {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.every((block) => parseCertificate(block)) ? blocks.length : 0;
}

function parseCertificate(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function parsePrivateKey(pem: string): KeyObject | undefined {
  try {
    return createPrivateKey(pem);
  } catch {
    return undefined;
  }
}
