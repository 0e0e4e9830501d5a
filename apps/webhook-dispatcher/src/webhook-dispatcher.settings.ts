import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsInt,
  IsNumber,
  IsOptional,
  Max,
  Min,
} from 'class-validator';
import { BooleanFlag, CommaSeparated } from '@meridian/platform';
import { IsAllowList, IsEncryptionKeys } from '@meridian/security';

const HOUR_MS = 60 * 60 * 1000;

const numbers = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').map((item) => Number(item.trim())) : value;

const number = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value;

/**
 * CONVENTIONS.md: attempts immediately, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h. These
 * are the waits before attempts 2 to 8.
 */
export const DEFAULT_RETRY_DELAYS_MS = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * HOUR_MS,
  5 * HOUR_MS,
  10 * HOUR_MS,
  10 * HOUR_MS,
];

/** The webhook dispatcher's environment; see apps/webhook-dispatcher/README.md. */
export class WebhookDispatcherSettings {
  /**
   * Key ring that opens endpoints' sealed signing secrets, `<keyId>:<base64 32-byte key>,…` (the
   * gateway's CREDENTIALS_KEYS, from the same secret). Without it no endpoint can be signed for,
   * and every attempt fails (and is retried) until it is set.
   */
  @IsOptional()
  @IsEncryptionKeys()
  CREDENTIALS_KEYS?: string = undefined;

  /**
   * Hosts, IP addresses and CIDR blocks partner URLs may point at although they are not public
   * (the SSRF guard refuses loopback, private, link-local … otherwise), comma-separated; e.g.
   * `127.0.0.1` for local development and tests. Empty in production.
   */
  @CommaSeparated()
  @IsAllowList()
  OUTBOUND_ALLOW_LIST: string[] = [];

  /** Permit `http:` endpoint URLs (local development and tests only). */
  @BooleanFlag()
  @IsBoolean({ message: 'OUTBOUND_ALLOW_HTTP must be true or false' })
  OUTBOUND_ALLOW_HTTP = false;

  /** One attempt, DNS to the last byte of the answer; CONVENTIONS.md says 15 s. */
  @Transform(number)
  @IsInt({ message: 'WEBHOOK_TIMEOUT_MS must be a whole number of milliseconds' })
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 15_000;

  /**
   * Waits before attempts 2, 3, … in ms, comma-separated; the number of entries + 1 is the number
   * of attempts (at most 8: one retry tier topic per attempt). Tests shorten it; production keeps
   * the default schedule.
   */
  @Transform(numbers)
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @IsInt({ each: true, message: 'WEBHOOK_RETRY_DELAYS_MS must be whole numbers of milliseconds' })
  @Min(0, { each: true })
  WEBHOOK_RETRY_DELAYS_MS: number[] = [...DEFAULT_RETRY_DELAYS_MS];

  /** Each wait is lengthened by up to this fraction at random, so retries of many messages spread out. */
  @Transform(number)
  @IsNumber({}, { message: 'WEBHOOK_RETRY_JITTER must be a number' })
  @Min(0)
  @Max(1)
  WEBHOOK_RETRY_JITTER = 0.1;

  /** An endpoint whose failures (with no success between) span this long is disabled; 5 days. */
  @Transform(number)
  @IsInt({ message: 'WEBHOOK_DISABLE_AFTER_MS must be a whole number of milliseconds' })
  @Min(1)
  WEBHOOK_DISABLE_AFTER_MS = 5 * 24 * HOUR_MS;

  /** How long an endpoint's open circuit breaker refuses attempts before one trial goes through. */
  @Transform(number)
  @IsInt({ message: 'WEBHOOK_BREAKER_RESET_MS must be a whole number of milliseconds' })
  @Min(100)
  WEBHOOK_BREAKER_RESET_MS = 30_000;
}
