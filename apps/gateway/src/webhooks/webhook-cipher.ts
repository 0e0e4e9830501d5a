import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { SERVICE_SETTINGS } from '@meridian/platform';
import { createCipherSuite, parseEncryptionKeys, type CipherSuite } from '@meridian/security';
import type { GatewaySettings } from '../gateway.settings';

/**
 * Seals webhook secrets with the gateway's credentials key ring (CREDENTIALS_KEYS, the same suite and
 * keys as integration credentials): the dispatcher, holding the same ring, opens them.
 */
@Injectable()
export class WebhookCipher {
  private readonly suite?: CipherSuite;

  constructor(@Inject(SERVICE_SETTINGS) settings: GatewaySettings) {
    if (settings.CREDENTIALS_KEYS) {
      const keys = parseEncryptionKeys(settings.CREDENTIALS_KEYS);
      this.suite = createCipherSuite(keys, settings.CREDENTIALS_ACTIVE_KEY_ID ?? keys[0].id);
    }
  }

  seal(secret: string, aad: string): string {
    return this.require().encrypt(secret, aad);
  }

  open(sealed: string, aad: string): string {
    return this.require().decrypt(sealed, aad);
  }

  private require(): CipherSuite {
    if (!this.suite) {
      throw new ServiceUnavailableException(
        'credential encryption is not configured on the gateway (CREDENTIALS_KEYS); webhook secrets cannot be stored',
      );
    }
    return this.suite;
  }
}
