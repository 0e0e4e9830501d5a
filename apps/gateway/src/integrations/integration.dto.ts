import { OmitType } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, ValidateIf } from 'class-validator';
import {
  type ConnectionSettings,
  type DataMappingSettings,
  type Hl7ConversionSettings,
  INTEGRATION_PROPERTIES,
  IntegrationConfigPayload,
  type MonitoringSettings,
  type SynchronizationSettings,
  type AuthenticationType,
  type SystemType,
} from '@meridian/contracts';

/** Secret names per authentication type; the API takes them and never returns them. */
export const CREDENTIAL_FIELDS: Readonly<Record<AuthenticationType, readonly string[]>> = {
  none: [],
  oauth2: ['clientSecret'],
  'smart-backend': ['privateKey'],
  basic: ['password'],
  api_key: ['apiKey'],
  bearer: ['token'],
  certificate: ['certificate', 'privateKey'],
};

/**
 * Body of POST and PUT /api/v1/integrations (PUT replaces the whole integration): the config event's
 * fields and their validation, less what the gateway manages (id, version, sealed credentials,
 * timestamps), with `active` optional and plaintext `credentials`.
 */
export class IntegrationInput extends OmitType(IntegrationConfigPayload, [
  'integrationId',
  'version',
  'active',
  'credentials',
  'updatedAt',
] as const) {
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  /** Write-only secrets for the authentication type; omitted on PUT keeps the stored ones, null removes them. */
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsObject()
  credentials?: Record<string, unknown> | null;
}

/** What the API returns: the integration without its secrets. */
export interface IntegrationView {
  id: string;
  version: number;
  facility: string;
  systemType: SystemType;
  systemName: string;
  vendor?: string;
  systemVersion?: string;
  connection: ConnectionSettings;
  dataMapping?: DataMappingSettings;
  synchronization: SynchronizationSettings;
  monitoring?: MonitoringSettings;
  hl7?: Hl7ConversionSettings;
  active: boolean;
  credentialsSet: boolean;
  createdAt: string;
  updatedAt: string;
}

/** OpenAPI schemas, from the same JSON Schema the AsyncAPI document publishes for the config topic. */
export const INTEGRATION_INPUT_SCHEMA = {
  type: 'object',
  required: ['facility', 'systemType', 'systemName', 'connection', 'synchronization'],
  properties: {
    ...INTEGRATION_PROPERTIES,
    credentials: {
      type: 'object',
      nullable: true,
      description:
        'Write-only secrets: clientSecret (oauth2), privateKey (smart-backend, PEM or JWK JSON), password ' +
        '(basic), apiKey (api_key), token (bearer), certificate + privateKey (certificate). Encrypted at rest ' +
        'and on Kafka; never returned.',
      additionalProperties: { type: 'string' },
    },
  },
};

export const INTEGRATION_VIEW_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    version: { type: 'integer', minimum: 1 },
    ...INTEGRATION_PROPERTIES,
    credentialsSet: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};
