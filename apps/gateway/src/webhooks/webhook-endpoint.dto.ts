import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  IsRfc3339Timestamp,
  WEBHOOK_DELIVERY_OUTCOMES,
  WEBHOOK_DISABLED_REASONS,
  type WebhookDeliveryOutcome,
  type WebhookDisabledReason,
} from '@meridian/contracts';

/** `patient.admitted`-style names, or `*` for every type except the operational `message.*` and `endpoint.*`. */
const EVENT_TYPE = /^(\*|[A-Za-z0-9][A-Za-z0-9_.-]*)$/;

/** Body of POST /api/v1/webhooks/endpoints and PUT /api/v1/webhooks/endpoints/:id. */
export class WebhookEndpointInput {
  @ApiProperty({
    description:
      'HTTPS URL the webhooks are POSTed to. Refused if it resolves to a loopback, private, link-local, ' +
      'CGNAT, unique-local or multicast address (unless allow-listed for local use).',
    example: 'https://hooks.acme-care.example/meridian',
  })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiProperty({
    type: [String],
    description:
      'Event types to receive (exact, e.g. patient.admitted), or ["*"] for all partner events. The ' +
      'operational message.attempt.exhausted and endpoint.disabled go only to endpoints that list them.',
    example: ['patient.admitted', 'patient.discharged'],
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @Matches(EVENT_TYPE, { each: true, message: 'eventTypes entries look like patient.admitted, or *' })
  eventTypes!: string[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ default: true, description: 'false disables deliveries (reason manual).' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 10_000,
    description: 'At most this many deliveries per second.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  rateLimitPerSecond?: number;
}

/** Body of PATCH: any subset of the fields. */
export class WebhookEndpointPatch extends PartialType(WebhookEndpointInput) {}

export class RotateSecretInput {
  @ApiPropertyOptional({
    default: 86_400,
    minimum: 0,
    maximum: 604_800,
    description: 'Seconds the previous secret keeps signing beside the new one (0: replace at once).',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(604_800)
  overlapSeconds?: number;
}

export class RecoverInput {
  @ApiProperty({ description: 'Re-send every message that failed from this time on (RFC 3339).' })
  @IsRfc3339Timestamp()
  since!: string;
}

export class SecretView {
  @ApiProperty() secretId!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) expiresAt?: string;
}

/** What the API shows of an endpoint: never a secret, only their ids and dates. */
export class WebhookEndpointView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ minimum: 1 }) version!: number;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String] }) eventTypes!: string[];
  @ApiPropertyOptional() description?: string;
  @ApiProperty() active!: boolean;
  @ApiPropertyOptional({ enum: WEBHOOK_DISABLED_REASONS }) disabledReason?: WebhookDisabledReason;
  @ApiPropertyOptional() rateLimitPerSecond?: number;
  @ApiProperty({ type: [SecretView] }) secrets!: SecretView[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** The create and rotate responses: the only time the secret is shown. */
export class WebhookEndpointWithSecret extends WebhookEndpointView {
  @ApiProperty({
    description: 'whsec_… signing secret. Shown once: store it now; it cannot be read again.',
  })
  secret!: string;
}

export class AcceptedCommand {
  @ApiProperty({ format: 'uuid' }) commandId!: string;
}

export class WebhookAttemptView {
  @ApiProperty() webhookId!: string;
  @ApiProperty() endpointId!: string;
  @ApiPropertyOptional() integrationId?: string;
  @ApiPropertyOptional() type?: string;
  @ApiProperty() attempt!: number;
  @ApiProperty({ enum: WEBHOOK_DELIVERY_OUTCOMES }) outcome!: WebhookDeliveryOutcome;
  @ApiPropertyOptional() statusCode?: number;
  @ApiPropertyOptional() durationMs?: number;
  @ApiPropertyOptional({ format: 'date-time' }) nextAttemptAt?: string;
  @ApiPropertyOptional() error?: { class: string; message: string; retryable?: boolean };
  @ApiPropertyOptional({ description: 'The first 1 KiB of the response body.' }) responseBody?: string;
  @ApiProperty({ format: 'date-time' }) attemptedAt!: string;
}

export class InboundSecretView {
  @ApiProperty({ format: 'uuid' }) secretId!: string;
  @ApiProperty({ format: 'uuid' }) integrationId!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class InboundSecretWithSecret extends InboundSecretView {
  @ApiProperty({ description: 'whsec_… secret for the partner to sign with. Shown once.' })
  secret!: string;
}
