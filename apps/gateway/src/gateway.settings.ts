import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  type ValidationArguments,
} from 'class-validator';
import { SUPPORTED_MESSAGE_TYPES } from '@meridian/hl7-fhir';
import { BooleanFlag, CommaSeparated } from '@meridian/platform';
import { IsAllowList, IsEncryptionKeys } from '@meridian/security';

/**
 * The message types the transformer converts (the converter's own list, so the two cannot drift);
 * anything else is refused at the edge with AR.
 */
export const DEFAULT_MESSAGE_TYPES: string[] = [...SUPPORTED_MESSAGE_TYPES];

/** What intake does with a control id reused within the dedupe window by a message with other content. */
export const REUSED_CONTROL_ID_POLICIES = ['process', 'refuse'] as const;
export type ReusedControlIdPolicy = (typeof REUSED_CONTROL_ID_POLICIES)[number];

export const DEFAULT_VERSIONS = [
  '2.1',
  '2.2',
  '2.3',
  '2.3.1',
  '2.4',
  '2.5',
  '2.5.1',
  '2.6',
  '2.7',
  '2.7.1',
  '2.8',
];

/** The dedupe window must outlast a replay's chance to pass the timestamp check (both sides of now). */
function AtLeastTwiceTheTolerance(): PropertyDecorator {
  return ValidateBy({
    name: 'atLeastTwiceTheTolerance',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const tolerance = (args?.object as GatewaySettings | undefined)?.INBOUND_WEBHOOK_TOLERANCE_SECONDS;
        // A bad tolerance is reported on its own; comparing against it would only add noise.
        if (typeof value !== 'number' || typeof tolerance !== 'number' || !Number.isFinite(tolerance))
          return true;
        return value >= 2 * tolerance;
      },
      defaultMessage: () =>
        'INBOUND_WEBHOOK_DEDUPE_SECONDS must be at least twice INBOUND_WEBHOOK_TOLERANCE_SECONDS',
    },
  });
}

/** The MLLP buffer budget must hold at least one message of the largest size accepted. */
function AtLeastTheLargestMessage(): PropertyDecorator {
  return ValidateBy({
    name: 'atLeastTheLargestMessage',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const largest = (args?.object as GatewaySettings | undefined)?.HL7_MAX_MESSAGE_BYTES;
        // A bad value or message limit is reported on its own.
        if (typeof value !== 'number' || !Number.isFinite(value)) return true;
        if (typeof largest !== 'number' || !Number.isFinite(largest)) return true;
        return value >= largest;
      },
      defaultMessage: () => 'MLLP_MAX_BUFFERED_BYTES must be at least HL7_MAX_MESSAGE_BYTES',
    },
  });
}

/** The gateway's environment; see apps/gateway/README.md. */
export class GatewaySettings {
  /** MLLP listener port; 0 picks a free port (tests), -1 turns the listener off. */
  @Type(() => Number)
  @IsInt({ message: 'MLLP_PORT must be an integer' })
  @Min(-1, { message: 'MLLP_PORT must be -1 (off), 0 (any free port) or a port' })
  @Max(65535, { message: 'MLLP_PORT must be at most 65535' })
  MLLP_PORT = 2575;

  @IsString()
  MLLP_HOST = '0.0.0.0';

  /** PEM certificate chain and key: both or neither. With them the listener speaks TLS only. */
  @ValidateIf((s: GatewaySettings) => s.MLLP_TLS_KEY_FILE !== undefined)
  @IsString({ message: 'MLLP_TLS_CERT_FILE is required with MLLP_TLS_KEY_FILE' })
  MLLP_TLS_CERT_FILE?: string = undefined;

  @ValidateIf((s: GatewaySettings) => s.MLLP_TLS_CERT_FILE !== undefined)
  @IsString({ message: 'MLLP_TLS_KEY_FILE is required with MLLP_TLS_CERT_FILE' })
  MLLP_TLS_KEY_FILE?: string = undefined;

  /** CA bundle (PEM) for client certificates: when set, clients must present one it signed (mutual TLS). */
  @IsOptional()
  @IsString()
  MLLP_TLS_CA_FILE?: string = undefined;

  /** A connection with no traffic for this long is closed (half-open peers). */
  @Type(() => Number)
  @IsInt({ message: 'MLLP_IDLE_TIMEOUT_MS must be an integer' })
  @Min(1_000, { message: 'MLLP_IDLE_TIMEOUT_MS must be at least 1000' })
  MLLP_IDLE_TIMEOUT_MS = 600_000;

  /** A frame started (start block received) must end within this time, or its connection is closed. */
  @Type(() => Number)
  @IsInt({ message: 'MLLP_FRAME_TIMEOUT_MS must be an integer' })
  @Min(100, { message: 'MLLP_FRAME_TIMEOUT_MS must be at least 100' })
  MLLP_FRAME_TIMEOUT_MS = 30_000;

  /** Connections open at once; more are closed as they arrive. */
  @Type(() => Number)
  @IsInt({ message: 'MLLP_MAX_CONNECTIONS must be an integer' })
  @Min(1, { message: 'MLLP_MAX_CONNECTIONS must be at least 1' })
  MLLP_MAX_CONNECTIONS = 500;

  /** Connections open at once from one peer address; more from it are closed as they arrive. */
  @Type(() => Number)
  @IsInt({ message: 'MLLP_MAX_CONNECTIONS_PER_PEER must be an integer' })
  @Min(1, { message: 'MLLP_MAX_CONNECTIONS_PER_PEER must be at least 1' })
  MLLP_MAX_CONNECTIONS_PER_PEER = 50;

  /**
   * Bytes the listener holds across all connections (unfinished frames and frames waiting for their
   * answer). A connection whose unfinished frame grows past it is closed; one whose complete frames
   * do is paused until answers free room. At least HL7_MAX_MESSAGE_BYTES, so the largest message fits.
   */
  @Type(() => Number)
  @IsInt({ message: 'MLLP_MAX_BUFFERED_BYTES must be an integer' })
  @AtLeastTheLargestMessage()
  MLLP_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

  /** Largest message (or batch file) accepted, in bytes; larger ones get AR. Kafka's default limit is 1 MiB. */
  @Type(() => Number)
  @IsInt({ message: 'HL7_MAX_MESSAGE_BYTES must be an integer' })
  @Min(1_024, { message: 'HL7_MAX_MESSAGE_BYTES must be at least 1024' })
  @Max(1_000_000, { message: 'HL7_MAX_MESSAGE_BYTES must be at most 1000000 (the topic record limit)' })
  HL7_MAX_MESSAGE_BYTES = 1_000_000;

  /**
   * A message re-sent within this window (same sender, MSH-10 and content) is acknowledged, not
   * republished. 0 = off.
   */
  @Type(() => Number)
  @IsInt({ message: 'HL7_DEDUPE_WINDOW_SECONDS must be an integer' })
  @Min(0)
  HL7_DEDUPE_WINDOW_SECONDS = 86_400;

  /**
   * Days the first KiB of a partner's response body is kept in the delivery log (it may echo what
   * it was sent); then it is blanked and the attempt's status and timing stay.
   */
  @Type(() => Number)
  @IsInt({ message: 'WEBHOOK_RESPONSE_RETENTION_DAYS must be an integer' })
  @Min(1, { message: 'WEBHOOK_RESPONSE_RETENTION_DAYS must be at least 1' })
  WEBHOOK_RESPONSE_RETENTION_DAYS = 30;

  /**
   * How long a message waits for its dedupe claim in Postgres; past it the message is published
   * without the window, as when Postgres is down (a slow database must not hold the ACK).
   */
  @Type(() => Number)
  @IsInt({ message: 'HL7_DEDUPE_TIMEOUT_MS must be an integer' })
  @Min(10, { message: 'HL7_DEDUPE_TIMEOUT_MS must be at least 10' })
  @Max(60_000, { message: 'HL7_DEDUPE_TIMEOUT_MS must be at most 60000' })
  HL7_DEDUPE_TIMEOUT_MS = 2_000;

  /**
   * A control id reused within the window by a message with different content: `process` publishes it
   * like any message (counted and logged), `refuse` answers AR with ERR 205 (duplicate key identifier).
   */
  @IsIn(REUSED_CONTROL_ID_POLICIES, { message: 'HL7_REUSED_CONTROL_ID must be process or refuse' })
  HL7_REUSED_CONTROL_ID: ReusedControlIdPolicy = 'process';

  /** How long a sender waits for Kafka before getting AE (the send goes on; see the README). */
  @Type(() => Number)
  @IsInt({ message: 'HL7_PUBLISH_TIMEOUT_MS must be an integer' })
  @Min(100, { message: 'HL7_PUBLISH_TIMEOUT_MS must be at least 100' })
  HL7_PUBLISH_TIMEOUT_MS = 10_000;

  /** MSH-9.1^MSH-9.2 values accepted, comma-separated. */
  @CommaSeparated()
  @Matches(/^[A-Z0-9]{3}\^[A-Z0-9]{3}$/, {
    each: true,
    message: 'HL7_MESSAGE_TYPES entries look like ADT^A01',
  })
  HL7_MESSAGE_TYPES: string[] = DEFAULT_MESSAGE_TYPES;

  /** MSH-12.1 values accepted, comma-separated. */
  @CommaSeparated()
  @IsIn(
    ['2.1', '2.2', '2.3', '2.3.1', '2.4', '2.5', '2.5.1', '2.6', '2.7', '2.7.1', '2.8', '2.8.1', '2.8.2'],
    {
      each: true,
      message: 'HL7_VERSIONS entries must be HL7 v2 versions (2.1 … 2.8.2)',
    },
  )
  HL7_VERSIONS: string[] = DEFAULT_VERSIONS;

  /**
   * Key ring for integration credentials, `<keyId>:<base64 32-byte key>,…` (from a secret). Without it
   * the API refuses to store credentials. New secrets are sealed under CREDENTIALS_ACTIVE_KEY_ID (default:
   * the first key); the others still open older envelopes, so keys rotate without downtime.
   */
  @IsOptional()
  @IsEncryptionKeys()
  CREDENTIALS_KEYS?: string = undefined;

  @IsOptional()
  @IsString()
  CREDENTIALS_ACTIVE_KEY_ID?: string = undefined;

  /**
   * Hosts, IP addresses and CIDR blocks a webhook endpoint URL may point to although they are not
   * public (the SSRF guard refuses loopback, private, link-local … otherwise), comma-separated; e.g.
   * `127.0.0.1` for local development and tests. Empty in production. The same names as the EHR adapter.
   */
  @CommaSeparated()
  @IsAllowList()
  OUTBOUND_ALLOW_LIST: string[] = [];

  /** Permit `http:` webhook endpoint URLs (local development and tests only). */
  @BooleanFlag()
  @IsBoolean({ message: 'OUTBOUND_ALLOW_HTTP must be true or false' })
  OUTBOUND_ALLOW_HTTP = false;

  /** Inbound partner webhooks: how far `webhook-timestamp` may be from now, either way. */
  @Type(() => Number)
  @IsInt({ message: 'INBOUND_WEBHOOK_TOLERANCE_SECONDS must be an integer' })
  @Min(1)
  @Max(3_600)
  INBOUND_WEBHOOK_TOLERANCE_SECONDS = 300;

  /**
   * How long an accepted inbound `webhook-id` is remembered (a repeat is answered 200 and not published
   * again). At least twice the tolerance: a request is accepted up to the tolerance either side of its
   * timestamp, so a captured one replayed later fails the timestamp check before its id is forgotten.
   */
  @Type(() => Number)
  @IsInt({ message: 'INBOUND_WEBHOOK_DEDUPE_SECONDS must be an integer' })
  @Min(600, { message: 'INBOUND_WEBHOOK_DEDUPE_SECONDS must be at least 600' })
  @AtLeastTwiceTheTolerance()
  INBOUND_WEBHOOK_DEDUPE_SECONDS = 86_400;

  /**
   * How long an inbound webhook waits for Kafka before the partner is answered 503 (send again):
   * below the 15 s a Standard Webhooks sender waits, so the partner hears "retry", not a timeout.
   */
  @Type(() => Number)
  @IsInt({ message: 'INBOUND_WEBHOOK_PUBLISH_TIMEOUT_MS must be an integer' })
  @Min(100)
  @Max(60_000)
  INBOUND_WEBHOOK_PUBLISH_TIMEOUT_MS = 10_000;
}
