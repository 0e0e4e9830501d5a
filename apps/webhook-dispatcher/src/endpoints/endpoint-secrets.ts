import { Inject, Injectable } from '@nestjs/common';
import { webhookSecretAad, type WebhookEndpointPayload } from '@meridian/contracts';
import { SERVICE_SETTINGS } from '@meridian/platform';
import {
  createCipherSuite,
  DecryptionError,
  parseEncryptionKeys,
  type CipherSuite,
} from '@meridian/security';
import type { WebhookDispatcherSettings } from '../webhook-dispatcher.settings';

/** Why an endpoint's secrets cannot be used; never quotes key material. */
export class EndpointSecretsError extends Error {
  override readonly name = 'EndpointSecretsError';
}

interface Opened {
  version: number;
  secrets: { secret: string; expiresAt?: number }[];
}

/**
 * Opens endpoints' sealed `whsec_` secrets with CREDENTIALS_KEYS (AAD `webhook-endpoint:<id>`, so a
 * secret cannot be moved to another endpoint), once per endpoint version, and keeps them only in
 * memory. `current` gives the secrets to sign with now: every one not yet expired, newest first, so
 * during a rotation the partner can verify with the old or the new one.
 */
@Injectable()
export class EndpointSecrets {
  private readonly cipher?: CipherSuite;
  private readonly opened = new Map<string, Opened>();

  constructor(@Inject(SERVICE_SETTINGS) settings: WebhookDispatcherSettings) {
    if (settings.CREDENTIALS_KEYS) {
      const keys = parseEncryptionKeys(settings.CREDENTIALS_KEYS);
      this.cipher = createCipherSuite(keys, keys[0].id);
    }
  }

  /** Throws EndpointSecretsError when none can be opened or all have expired. */
  current(endpoint: WebhookEndpointPayload, now = Date.now()): string[] {
    const opened = this.open(endpoint);
    const secrets = opened.secrets
      .filter((entry) => entry.expiresAt === undefined || entry.expiresAt > now)
      .map((entry) => entry.secret);
    if (secrets.length === 0) {
      throw new EndpointSecretsError(`endpoint ${endpoint.endpointId} has no unexpired secret`);
    }
    return secrets;
  }

  private open(endpoint: WebhookEndpointPayload): Opened {
    const id = endpoint.endpointId;
    const cached = this.opened.get(id);
    if (cached?.version === endpoint.version) return cached;
    if (!this.cipher) {
      throw new EndpointSecretsError(
        `endpoint ${id} has sealed secrets but the dispatcher has no CREDENTIALS_KEYS to open them`,
      );
    }
    const cipher = this.cipher;
    const secrets = endpoint.secrets.map((entry) => {
      try {
        return {
          secret: cipher.decrypt(entry.sealed, webhookSecretAad(id)),
          expiresAt: entry.expiresAt === undefined ? undefined : Date.parse(entry.expiresAt),
        };
      } catch (error) {
        const reason = error instanceof DecryptionError ? error.message : 'cannot be opened';
        throw new EndpointSecretsError(`endpoint ${id}: secret ${entry.secretId}: ${reason}`);
      }
    });
    const opened = { version: endpoint.version, secrets };
    this.opened.set(id, opened);
    return opened;
  }
}
