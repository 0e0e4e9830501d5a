import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  ConnectionSettings,
  DataMappingSettings,
  Hl7ConversionSettings,
  INTEGRATION_PROPERTIES,
  MonitoringSettings,
  SynchronizationSettings,
  SYSTEM_TYPES,
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

/** Body of POST and PUT /api/v1/integrations (PUT replaces the whole integration). */
export class IntegrationInput {
  @IsString()
  @IsNotEmpty()
  facility!: string;

  @IsIn(SYSTEM_TYPES)
  systemType!: SystemType;

  @IsString()
  @IsNotEmpty()
  systemName!: string;

  @IsOptional()
  @IsString()
  vendor?: string;

  @IsOptional()
  @IsString()
  systemVersion?: string;

  @ValidateNested()
  @Type(() => ConnectionSettings)
  connection!: ConnectionSettings;

  @IsOptional()
  @ValidateNested()
  @Type(() => DataMappingSettings)
  dataMapping?: DataMappingSettings;

  @ValidateNested()
  @Type(() => SynchronizationSettings)
  synchronization!: SynchronizationSettings;

  @IsOptional()
  @ValidateNested()
  @Type(() => MonitoringSettings)
  monitoring?: MonitoringSettings;

  @IsOptional()
  @ValidateNested()
  @Type(() => Hl7ConversionSettings)
  hl7?: Hl7ConversionSettings;

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
