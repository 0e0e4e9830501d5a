import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { SEALED_CREDENTIALS } from '../integration-config/integration-config.payload';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';

/**
 * Why an endpoint is inactive: `manual` (an operator), `gone` (it answered 410), `failing` (it failed
 * for 5 days).
 */
export const WEBHOOK_DISABLED_REASONS = ['manual', 'gone', 'failing'] as const;
export type WebhookDisabledReason = (typeof WEBHOOK_DISABLED_REASONS)[number];

/** Subscribes an endpoint to every event type. */
export const WEBHOOK_ALL_EVENT_TYPES = '*';

/** The AAD a webhook endpoint's secrets are sealed with: a sealed secret cannot be moved to another endpoint. */
export function webhookSecretAad(endpointId: string): string {
  return `webhook-endpoint:${endpointId}`;
}

/** One signing secret (`whsec_…`), sealed; during a rotation the old one carries `expiresAt`. */
export class WebhookEndpointSecret {
  @IsString()
  @IsNotEmpty()
  secretId!: string;

  /** libs/security envelope of the `whsec_…` string, AAD `webhook-endpoint:<endpointId>`. */
  @Matches(SEALED_CREDENTIALS, { message: 'sealed must be a sealed envelope' })
  sealed!: string;

  @IsRfc3339Timestamp()
  createdAt!: string;

  /** Sign with it until then; absent for the current secret. */
  @IsOptional()
  @IsRfc3339Timestamp()
  expiresAt?: string;
}

/** A partner's webhook endpoint as the gateway announces it on every change. */
export class WebhookEndpointPayload {
  @IsString()
  @IsNotEmpty()
  endpointId!: string;

  /** Increases with every change; a reader ignores a version older than the one it holds. */
  @IsInt()
  @Min(1)
  version!: number;

  /** Checked against the SSRF rules at registration; the dispatcher checks it again on every delivery. */
  @Matches(/^https?:\/\/\S+$/, { message: 'url must be an http(s) URL' })
  @MaxLength(2048)
  url!: string;

  /** Exact event types (`patient.admitted`), or `*` for all. */
  @IsArray()
  @ArrayNotEmpty()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  eventTypes!: string[];

  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @IsBoolean()
  active!: boolean;

  /** Set when `active` is false. */
  @IsOptional()
  @IsIn(WEBHOOK_DISABLED_REASONS)
  disabledReason?: WebhookDisabledReason;

  /** Deliveries per second to this endpoint at most; absent = no limit of its own. */
  @IsOptional()
  @IsInt()
  @Min(1)
  rateLimitPerSecond?: number;

  /** Newest first; every one is used to sign (several `v1,` signatures during a rotation). */
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => WebhookEndpointSecret)
  secrets!: WebhookEndpointSecret[];

  @IsRfc3339Timestamp()
  updatedAt!: string;
}
