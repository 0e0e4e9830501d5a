import type { AuthenticationSettings } from '@meridian/contracts';
import type { FhirAuthConfig } from '@meridian/fhir';
import { PermanentError } from '@meridian/kafka';

/** The secrets an integration's sealed `credentials` may hold (the gateway's write-only fields). */
export interface IntegrationSecrets {
  clientSecret?: string;
  privateKey?: string;
  password?: string;
  apiKey?: string;
  token?: string;
}

/**
 * An integration's configuration cannot work (no key to open its credentials, a secret missing for
 * its authentication type, an unsupported type). Permanent: the command goes to the DLQ with this
 * reason and can be redriven once the configuration is fixed. Messages name fields, never values.
 */
export class IntegrationConfigError extends PermanentError {
  override readonly name: string = 'IntegrationConfigError';
}

/** `connection.authentication` plus the opened secrets → what `createFhirClient` takes. */
export function fhirAuthConfig(
  integrationId: string,
  auth: AuthenticationSettings,
  secrets: IntegrationSecrets,
): FhirAuthConfig {
  const need = (field: keyof IntegrationSecrets): string => {
    const value = secrets[field];
    if (typeof value !== 'string' || value === '') {
      throw new IntegrationConfigError(
        `integration ${integrationId}: ${auth.type} authentication needs credentials.${field}, which is not set`,
      );
    }
    return value;
  };
  switch (auth.type) {
    case 'none':
      return { type: 'none' };
    case 'bearer':
      return { type: 'bearer', token: need('token') };
    case 'basic':
      return { type: 'basic', username: auth.username ?? '', password: need('password') };
    case 'api_key':
      return { type: 'api_key', value: need('apiKey'), headerName: auth.headerName };
    case 'oauth2':
      return {
        type: 'oauth2',
        tokenUrl: auth.tokenUrl ?? '',
        clientId: auth.clientId ?? '',
        clientSecret: need('clientSecret'),
        scope: auth.scope,
      };
    case 'smart-backend':
      if (auth.keyId === undefined || auth.algorithm === undefined || auth.scope === undefined) {
        throw new IntegrationConfigError(
          `integration ${integrationId}: smart-backend authentication needs keyId, algorithm and scope`,
        );
      }
      return {
        type: 'smart-backend',
        tokenUrl: auth.tokenUrl ?? '',
        clientId: auth.clientId ?? '',
        privateKey: need('privateKey'),
        keyId: auth.keyId,
        algorithm: auth.algorithm,
        scope: auth.scope,
      };
    default:
      throw new IntegrationConfigError(
        `integration ${integrationId}: ${auth.type} authentication is not supported by the EHR adapter`,
      );
  }
}
