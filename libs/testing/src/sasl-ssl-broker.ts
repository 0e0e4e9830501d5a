import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLauncher } from './infrastructure';

export interface SaslUser {
  username: string;
  password: string;
}

/** What tools/kafka's state file says about the SASL_SSL listener (see tools/kafka/README.md). */
interface SaslSslState {
  brokers: string;
  caFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  users: Record<string, { passwordFile: string }>;
}

/** A broker of a suite's own with a SASL_SSL listener next to its PLAINTEXT one. */
export interface SaslSslBroker {
  /** The SASL_SSL listener (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; a self-signed CA). */
  brokers: string;
  /** The same broker's PLAINTEXT listener, for set-up that needs no credentials. */
  plaintextBrokers: string;
  /** The CA that signed the broker's certificate (PEM). */
  caFile: string;
  /** A client certificate and key signed by that CA (mutual TLS). */
  clientCertFile: string;
  clientKeyFile: string;
  /** The file holding a user's current password. */
  passwordFile(username: string): string;
  /**
   * Stops the broker and starts it again on the same data dir (same ports, TLS files, SCRAM
   * credentials); `users` given here replace those users' PLAIN passwords.
   */
  restart(users?: SaslUser[]): Promise<void>;
  /** Stops the broker and deletes its data dir. */
  stop(): Promise<void>;
}

/**
 * Starts a broker with tools/kafka's `--sasl-ssl` (about as long as the plain one: openssl adds a
 * fraction of a second): for suites about TLS and SASL, next to the run's shared plain broker.
 * Each user gets a PLAIN password and SCRAM-SHA-256/512 credentials. `clientAuth` is the
 * listener's `ssl.client.auth` (default `requested`).
 */
export async function startSaslSslBroker(options: {
  users: SaslUser[];
  clientAuth?: 'required' | 'requested' | 'none';
}): Promise<SaslSslBroker> {
  const stateFile = path.join(os.tmpdir(), `meridian-kafka-sasl-${randomUUID().slice(0, 8)}.json`);
  const userArgs = (users: SaslUser[]) =>
    users.flatMap((user) => ['--sasl-user', `${user.username}:${user.password}`]);
  const start = async (extra: string[]) => {
    await runLauncher(['start', '--state', stateFile, ...extra]);
    return JSON.parse(readFileSync(stateFile, 'utf8')) as {
      brokers: string;
      dataDir: string;
      saslSsl?: SaslSslState;
    };
  };
  const clientAuth = options.clientAuth ? ['--ssl-client-auth', options.clientAuth] : [];
  const state = await start(['--sasl-ssl', ...clientAuth, ...userArgs(options.users)]);
  const sasl = state.saslSsl;
  if (!sasl) {
    await runLauncher(['stop', '--state', stateFile]);
    throw new Error(`the Kafka launcher's state ${stateFile} has no SASL_SSL listener`);
  }
  return {
    brokers: sasl.brokers,
    plaintextBrokers: state.brokers,
    caFile: sasl.caFile,
    clientCertFile: sasl.clientCertFile,
    clientKeyFile: sasl.clientKeyFile,
    passwordFile(username) {
      const user = sasl.users[username];
      if (!user) throw new Error(`the SASL_SSL broker has no user ${username}`);
      return user.passwordFile;
    },
    async restart(users = []) {
      await runLauncher(['stop', '--state', stateFile, '--keep']);
      await start(['--dir', state.dataDir, ...userArgs(users)]);
    },
    async stop() {
      await runLauncher(['stop', '--state', stateFile]);
    },
  };
}
