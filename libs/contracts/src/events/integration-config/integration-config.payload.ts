import { Type } from 'class-transformer';
import {
  IsBase64,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';

/** Credentials stay encrypted on Kafka; only the service that uses them holds the key to decrypt. */
export class EncryptedCredentials {
  /** Which key encrypted them, so keys can rotate. */
  @IsString()
  @IsNotEmpty()
  keyId!: string;

  @IsString()
  @IsNotEmpty()
  algorithm!: string;

  @IsBase64()
  ciphertext!: string;
}

/**
 * The current configuration of one integration (latest wins per key on the compacted topic; a
 * tombstone deletes it). Published from the gateway's transactional outbox.
 */
export class IntegrationConfigPayload {
  @IsString()
  @IsNotEmpty()
  integrationId!: string;

  /** Increases with every change; a reader ignores a version older than the one it holds. */
  @IsInt()
  @Min(1)
  version!: number;

  /** What the integration connects, e.g. `hl7-v2-mllp`, `fhir-r4`, `pms-rest`, `lis-mllp`, `partner-webhook`. */
  @IsString()
  @IsNotEmpty()
  kind!: string;

  @IsString()
  @IsNotEmpty()
  name!: string;

  @IsBoolean()
  enabled!: boolean;

  /** Kind-specific settings (endpoints, mappings, routing); never secrets. */
  @IsObject()
  settings!: Record<string, unknown>;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EncryptedCredentials)
  credentials?: EncryptedCredentials;

  @IsRfc3339Timestamp()
  updatedAt!: string;
}
