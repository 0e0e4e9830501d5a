import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';

export const SYSTEM_TYPES = ['ehr', 'pms', 'lis', 'pharmacy', 'ris', 'payer', 'partner', 'other'] as const;
export type SystemType = (typeof SYSTEM_TYPES)[number];
export const CONNECTION_TYPES = ['fhir', 'rest', 'hl7', 'webhook'] as const;
export const AUTHENTICATION_TYPES = [
  'none',
  'oauth2',
  'smart-backend',
  'basic',
  'api_key',
  'bearer',
  'certificate',
] as const;
export type AuthenticationType = (typeof AUTHENTICATION_TYPES)[number];
export const SYNC_DIRECTIONS = ['inbound', 'outbound', 'bidirectional'] as const;
export const SYNC_FREQUENCIES = ['real_time', 'scheduled', 'on_demand'] as const;
export const CONFLICT_RESOLUTIONS = ['source_wins', 'dest_wins', 'newest_wins', 'merge', 'manual'] as const;
export type ConflictResolution = (typeof CONFLICT_RESOLUTIONS)[number];

/** A sealed credentials envelope from libs/security: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url). */
export const SEALED_CREDENTIALS = /^v1\.[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;

export class RetryPolicySettings {
  /** Attempts in all, the first included. */
  @IsInt()
  @Min(1)
  @Max(20)
  maxAttempts!: number;

  @IsIn(['linear', 'exponential'])
  backoff!: 'linear' | 'exponential';

  /** Milliseconds: the first wait, grown linearly or doubled per attempt (with jitter). */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  base!: number;
}

/** How to authenticate; never secrets (those travel in `credentials`, sealed). */
export class AuthenticationSettings {
  @IsIn(AUTHENTICATION_TYPES)
  type!: AuthenticationType;

  /** OAuth2 / SMART token endpoint. */
  @ValidateIf((a: AuthenticationSettings) => a.type === 'oauth2' || a.type === 'smart-backend')
  @Matches(/^https?:\/\/\S+$/, { message: 'tokenUrl must be an http(s) URL' })
  tokenUrl?: string;

  @ValidateIf((a: AuthenticationSettings) => a.type === 'oauth2' || a.type === 'smart-backend')
  @IsString()
  @IsNotEmpty()
  clientId?: string;

  @IsOptional()
  @IsString()
  scope?: string;

  /** Basic auth user name. */
  @ValidateIf((a: AuthenticationSettings) => a.type === 'basic')
  @IsString()
  @IsNotEmpty()
  username?: string;

  /** API key header name (default X-API-Key). */
  @IsOptional()
  @IsString()
  headerName?: string;

  /** SMART: the `kid` of the signing key and its algorithm. */
  @IsOptional()
  @IsString()
  keyId?: string;

  @IsOptional()
  @IsIn(['RS384', 'ES384'])
  algorithm?: 'RS384' | 'ES384';
}

export class ConnectionSettings {
  @IsIn(CONNECTION_TYPES)
  type!: (typeof CONNECTION_TYPES)[number];

  /** Base URL (fhir, rest, webhook) or host:port (hl7 over MLLP). */
  @IsString()
  @IsNotEmpty()
  endpoint!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => AuthenticationSettings)
  authentication!: AuthenticationSettings;

  /** Milliseconds per call. */
  @IsInt()
  @Min(100)
  @Max(300_000)
  timeout!: number;

  @IsDefined()
  @ValidateNested()
  @Type(() => RetryPolicySettings)
  retryPolicy!: RetryPolicySettings;
}

/** Mapping configurations for libs/mapping, per direction (checked by the gateway when saved). */
export class DataMappingSettings {
  @IsOptional()
  @IsObject()
  inbound?: Record<string, unknown>;

  @IsOptional()
  @IsObject()
  outbound?: Record<string, unknown>;
}

export class SynchronizationSettings {
  @IsBoolean()
  enabled!: boolean;

  @IsIn(SYNC_DIRECTIONS)
  direction!: (typeof SYNC_DIRECTIONS)[number];

  @IsIn(SYNC_FREQUENCIES)
  frequency!: (typeof SYNC_FREQUENCIES)[number];

  /** Five-field cron expression; required when frequency is scheduled. */
  @ValidateIf((s: SynchronizationSettings) => s.frequency === 'scheduled' || s.cron !== undefined)
  @Matches(/^\S+( \S+){4}$/, { message: 'cron must be a five-field cron expression' })
  cron?: string;

  /** IANA zone the cron expression is read in (default UTC). */
  @IsOptional()
  @IsString()
  timeZone?: string;

  @IsIn(CONFLICT_RESOLUTIONS)
  conflictResolution!: ConflictResolution;

  /** FHIR resource types this integration subscribes to (empty or absent: all). */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  resourceTypes?: string[];
}

/** For HL7 v2 senders: how their messages become FHIR (libs/hl7-fhir ConvertOptions). */
export class Hl7ConversionSettings {
  /** Assigning authority (CX.4.1 / universal id) → identifier system URI. */
  @IsOptional()
  @IsObject()
  identifierSystems?: Record<string, string>;

  /** HL7 coding system name (CWE.3) → code system URI. */
  @IsOptional()
  @IsObject()
  codeSystems?: Record<string, string>;

  /** Zone of times sent without an offset: UTC, +02:00 or an IANA zone. */
  @IsOptional()
  @IsString()
  defaultTimeZone?: string;
}

export class MonitoringSettings {
  /** Percent of failed calls in the breaker's window that opens it. */
  @IsInt()
  @Min(1)
  @Max(100)
  errorThresholdPercentage!: number;

  /** Calls in the window before the breaker may open. */
  @IsInt()
  @Min(1)
  volumeThreshold!: number;

  /** Milliseconds an open breaker waits before trying again (half-open). */
  @IsInt()
  @Min(100)
  resetTimeout!: number;

  /** Alert when the error rate over five minutes exceeds this percent. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  errorRateAlertPercentage?: number;

  /** Alert when p95 latency exceeds this many milliseconds. */
  @IsOptional()
  @IsInt()
  @Min(1)
  latencyAlertMs?: number;
}

/**
 * The current configuration of one integration (latest wins per key on the compacted topic; a
 * tombstone deletes it). Published from the gateway's transactional outbox. Credentials stay sealed
 * on Kafka; only the service that uses them holds the key to open them.
 */
export class IntegrationConfigPayload {
  @IsString()
  @IsNotEmpty()
  integrationId!: string;

  /** Increases with every change; a reader ignores a version older than the one it holds. */
  @IsInt()
  @Min(1)
  version!: number;

  /** The facility (sending facility, MSH-4) this integration serves. */
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

  /** The connected system's version (not this record's). */
  @IsOptional()
  @IsString()
  systemVersion?: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => ConnectionSettings)
  connection!: ConnectionSettings;

  @IsOptional()
  @ValidateNested()
  @Type(() => DataMappingSettings)
  dataMapping?: DataMappingSettings;

  @IsDefined()
  @ValidateNested()
  @Type(() => SynchronizationSettings)
  synchronization!: SynchronizationSettings;

  @IsOptional()
  @ValidateNested()
  @Type(() => MonitoringSettings)
  monitoring?: MonitoringSettings;

  /** For integrations that send HL7 v2 (connection type hl7): conversion settings. */
  @IsOptional()
  @ValidateNested()
  @Type(() => Hl7ConversionSettings)
  hl7?: Hl7ConversionSettings;

  @IsBoolean()
  active!: boolean;

  @IsOptional()
  @Matches(SEALED_CREDENTIALS, { message: 'credentials must be a sealed envelope' })
  credentials?: string;

  @IsRfc3339Timestamp()
  updatedAt!: string;
}
