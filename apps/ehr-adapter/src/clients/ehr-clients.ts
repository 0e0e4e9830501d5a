import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { IntegrationConfigPayload, MonitoringSettings } from '@meridian/contracts';
import { createFhirClient, type FhirClient } from '@meridian/fhir';
import { safeErrorMessage } from '@meridian/kafka';
import { IntegrationConfigView, SERVICE_SETTINGS } from '@meridian/platform';
import {
  CircuitBreakers,
  DEFAULT_MAX_DELAY_MS,
  type BreakerOptions,
  type RetryPolicy,
} from '@meridian/resilience';
import {
  createCipherSuite,
  DecryptionError,
  parseAllowList,
  parseEncryptionKeys,
  type AllowList,
  type CipherSuite,
} from '@meridian/security';
import { Registry } from 'prom-client';
import type { EhrAdapterSettings } from '../ehr-adapter.settings';
import { BreakerEvents } from './breaker-events';
import { fhirAuthConfig, IntegrationConfigError, type IntegrationSecrets } from './fhir-auth';

/** Binds sealed credentials to their integration (the gateway seals with the same AAD). */
export const credentialsAad = (integrationId: string): string => `integration:${integrationId}`;

/** What a call in progress needs from the Kafka record it serves: heartbeats during retry waits. */
export interface CallScope {
  heartbeat(): Promise<void>;
}

/**
 * The record being handled, for the clients' `onRetry` (a client is shared by every record of its
 * integration, so the heartbeat of the current record travels with the async call, not the client).
 */
export const callScope = new AsyncLocalStorage<CallScope>();

interface Entry {
  version: number;
  client: Promise<FhirClient>;
}

/**
 * One FHIR client per integration, built on first use from its configuration in the
 * IntegrationConfigView: base URL checked by the SSRF guard, credentials opened with
 * CREDENTIALS_KEYS, timeout and retry policy from `connection`, and every request through the
 * integration's circuit breaker, configured from `monitoring`. A new configuration version
 * replaces the client on its next use and reconfigures the breaker at once (keeping its state);
 * a deleted integration loses both.
 */
@Injectable()
export class EhrClients implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('EhrClients');
  readonly breakers: CircuitBreakers;
  private readonly cipher?: CipherSuite;
  private readonly allowList: AllowList;
  private readonly allowHttp: boolean;
  private readonly clients = new Map<string, Entry>();
  private unsubscribe?: () => void;

  constructor(
    private readonly configs: IntegrationConfigView,
    @Inject(SERVICE_SETTINGS) settings: EhrAdapterSettings,
    @Inject(Registry) registry: Registry,
    private readonly events: BreakerEvents,
  ) {
    if (settings.CREDENTIALS_KEYS) {
      const keys = parseEncryptionKeys(settings.CREDENTIALS_KEYS);
      this.cipher = createCipherSuite(keys, keys[0].id);
    }
    this.allowList = parseAllowList(settings.OUTBOUND_ALLOW_LIST);
    this.allowHttp = settings.OUTBOUND_ALLOW_HTTP;
    this.breakers = new CircuitBreakers({ metrics: registry, onStateChange: events.onStateChange });
  }

  onModuleInit(): void {
    this.unsubscribe = this.configs.onChange((integrationId, config) => this.changed(integrationId, config));
    // Configurations read before this subscription (none, normally: the view loads after init).
    for (const config of this.configs.all()) this.changed(config.integrationId, config);
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    this.breakers.shutdown();
    this.clients.clear();
  }

  /**
   * The integration's client for this configuration version. Rejects with `IntegrationConfigError`
   * (permanent) when the configuration cannot work, `FhirUrlRefusedError` (permanent) when the SSRF
   * guard refuses the base URL, or a transient `FhirOperationError` when its name does not resolve.
   * A failed build is not cached: the next command tries again.
   */
  clientFor(config: IntegrationConfigPayload): Promise<FhirClient> {
    const id = config.integrationId;
    const cached = this.clients.get(id);
    if (cached && cached.version === config.version) return cached.client;
    const entry: Entry = { version: config.version, client: this.build(config) };
    this.clients.set(id, entry);
    entry.client.catch(() => {
      if (this.clients.get(id) === entry) this.clients.delete(id);
    });
    return entry.client;
  }

  private async build(config: IntegrationConfigPayload): Promise<FhirClient> {
    const id = config.integrationId;
    const { connection } = config;
    if (connection.type !== 'fhir') {
      throw new IntegrationConfigError(`integration ${id} is a ${connection.type} connection, not fhir`);
    }
    this.breakers.configure(id, breakerOptions(config.monitoring));
    const auth = fhirAuthConfig(id, connection.authentication, this.openCredentials(config));
    const retryPolicy: RetryPolicy = {
      maxAttempts: connection.retryPolicy.maxAttempts,
      backoff: connection.retryPolicy.backoff,
      baseDelayMs: connection.retryPolicy.base,
      // A wait longer than this inside a Kafka handler should rather be the runtime's own retry.
      maxDelayMs: DEFAULT_MAX_DELAY_MS,
    };
    try {
      return await createFhirClient({
        baseUrl: connection.endpoint,
        integrationId: id,
        auth,
        timeoutMs: connection.timeout,
        retryPolicy,
        breakers: this.breakers,
        ssrf: { allowList: this.allowList, allowHttp: this.allowHttp },
        onRetry: async ({ operation, attempt, delayMs, error }) => {
          this.logger.warn({
            msg: 'retrying a FHIR call',
            integrationId: id,
            operation,
            attempt,
            delayMs,
            error: safeErrorMessage(error),
          });
          await callScope.getStore()?.heartbeat();
        },
      });
    } catch (error) {
      // AuthConfigError (a key that does not fit its algorithm …) is the configuration's fault too.
      if (error instanceof Error && error.name === 'AuthConfigError') {
        throw new IntegrationConfigError(`integration ${id}: ${error.message}`);
      }
      throw error;
    }
  }

  private openCredentials(config: IntegrationConfigPayload): IntegrationSecrets {
    const id = config.integrationId;
    if (config.credentials === undefined) return {};
    if (!this.cipher) {
      throw new IntegrationConfigError(
        `integration ${id} has sealed credentials but the EHR adapter has no CREDENTIALS_KEYS to open them`,
      );
    }
    let secrets: unknown;
    try {
      secrets = this.cipher.decryptJson(config.credentials, credentialsAad(id));
    } catch (error) {
      const reason = error instanceof DecryptionError ? error.message : 'not a JSON object';
      throw new IntegrationConfigError(`integration ${id}: credentials cannot be opened: ${reason}`);
    }
    if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets)) {
      throw new IntegrationConfigError(`integration ${id}: credentials are not a JSON object`);
    }
    return secrets as IntegrationSecrets;
  }

  private changed(integrationId: string, config: IntegrationConfigPayload | undefined): void {
    if (config === undefined || config.connection.type !== 'fhir') {
      this.clients.delete(integrationId);
      this.breakers.remove(integrationId);
      this.events.forget(integrationId);
      return;
    }
    if (this.clients.get(integrationId)?.version !== config.version) this.clients.delete(integrationId);
    try {
      this.breakers.configure(integrationId, breakerOptions(config.monitoring));
    } catch (error) {
      this.logger.error({
        msg: 'circuit breaker thresholds rejected; the previous ones stay',
        integrationId,
        error: safeErrorMessage(error),
      });
    }
    const budget = config.connection.retryPolicy.maxAttempts * CONSUMER_ATTEMPTS;
    const volume = config.monitoring?.volumeThreshold;
    if (volume !== undefined && volume > budget) {
      this.logger.warn({
        msg: 'the breaker needs more failed calls to open than one command may make; while the server is down, commands may be dead-lettered before it opens',
        integrationId,
        volumeThreshold: volume,
        callsPerCommand: budget,
      });
    }
  }
}

/** Attempts the Kafka consumer runtime gives a record with a transient failure before the DLQ. */
const CONSUMER_ATTEMPTS = 4;

/** `monitoring` → breaker options; what is not set keeps the breaker defaults. */
export function breakerOptions(monitoring: MonitoringSettings | undefined): BreakerOptions {
  if (!monitoring) return {};
  return {
    errorThresholdPercentage: monitoring.errorThresholdPercentage,
    volumeThreshold: monitoring.volumeThreshold,
    resetTimeoutMs: monitoring.resetTimeout,
  };
}
