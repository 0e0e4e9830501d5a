import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Standard Webhooks 1.0 header names (lower case, as Node presents incoming headers). */
export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

// A type alias, not an interface, so it is assignable to header records (and to `verifyWebhook`).
export type WebhookSignatureHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** The Standard Webhooks default: a message more than 5 minutes from now (either way) is refused. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;
/** Standard Webhooks: secrets SHOULD be 24 to 64 random bytes. */
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
/** A v1 signature is base64 of a 32-byte HMAC-SHA256: 43 characters and one `=`. */
const V1_SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;
/** Visible ASCII without spaces, bounded, so an id is safe to log and to put in a header. */
const MESSAGE_ID = /^[\x21-\x7e]{1,256}$/;
/** Unix seconds, as sent; longer values are nonsense, not timestamps. */
const TIMESTAMP = /^\d{1,12}$/;

/** A new endpoint secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** The HMAC key of a `whsec_` secret. Throws on a malformed secret, never quoting it. */
function secretKey(secret: string, index: number): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : undefined;
  const key =
    encoded !== undefined && /^[A-Za-z0-9+/]+={0,2}$/.test(encoded)
      ? Buffer.from(encoded, 'base64')
      : undefined;
  if (key === undefined || key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new TypeError(
      `webhook secret ${index + 1} must be "${SECRET_PREFIX}" followed by base64 of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`,
    );
  }
  return key;
}

function secretKeys(secrets: readonly string[]): Buffer[] {
  if (secrets.length === 0) throw new TypeError('at least one webhook secret is required');
  return secrets.map(secretKey);
}

function hmac(key: Buffer, id: string, timestamp: string, body: string | Uint8Array): Buffer {
  // The signed content is `${id}.${timestamp}.${body}` with the body's exact bytes.
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

export interface SignWebhookInput {
  /** `webhook-id`: the same on every attempt of one message (the partner's idempotency key). */
  id: string;
  /** Unix seconds of this attempt. */
  timestamp: number;
  /** The exact bytes that will be sent (a string is signed as UTF-8). */
  body: string | Uint8Array;
  /** Every active secret of the endpoint; during rotation the new and the old one. */
  secrets: readonly string[];
}

/**
 * The three Standard Webhooks headers for one delivery attempt: one `v1,<base64 HMAC-SHA256>`
 * per secret, space-separated, so a partner holding any one of the secrets can verify.
 * Throws on a malformed id, timestamp or secret (programming or configuration errors).
 */
export function signWebhook({ id, timestamp, body, secrets }: SignWebhookInput): WebhookSignatureHeaders {
  if (!MESSAGE_ID.test(id)) throw new TypeError('webhook id must be 1 to 256 visible ASCII characters');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError('webhook timestamp must be a non-negative integer number of seconds');
  }
  const seconds = String(timestamp);
  const signatures = secretKeys(secrets).map(
    (key) => `v1,${hmac(key, id, seconds, body).toString('base64')}`,
  );
  return {
    'webhook-id': id,
    'webhook-timestamp': seconds,
    'webhook-signature': signatures.join(' '),
  };
}

/** Incoming headers: Node's `IncomingHttpHeaders` (any case of names) or a fetch `Headers`. */
export type WebhookHeaderSource =
  | { get(name: string): string | null | undefined }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyWebhookInput {
  headers: WebhookHeaderSource;
  /** The raw body exactly as received, before any JSON parsing. */
  body: string | Uint8Array;
  /** Every secret that may have signed (during rotation, old and new). */
  secrets: readonly string[];
  toleranceSeconds?: number;
  /** For tests; default the current time. */
  now?: Date;
}

export type WebhookVerificationFailure =
  'missing-header' | 'malformed-header' | 'timestamp-too-old' | 'timestamp-too-new' | 'no-matching-signature';

export type WebhookVerification =
  { ok: true; id: string; timestamp: number } | { ok: false; reason: WebhookVerificationFailure };

function header(headers: WebhookHeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  // Repeated headers are joined as Node joins them, so a repeated id or timestamp reads as malformed.
  return Array.isArray(value) ? value.join(', ') : (value as string | undefined);
}

/**
 * Verifies a Standard Webhooks message: the three headers present and well formed, the timestamp
 * within `toleranceSeconds` of now (inclusive), and any `v1` signature in the header equal, in
 * constant time, to the HMAC under any of the secrets. Signatures of other versions are ignored.
 * Failure reasons are fixed codes that never quote a header or the body.
 *
 * It does not remember ids: rejecting a replayed `webhook-id` inside the tolerance window needs
 * storage and is the caller's job (keep seen ids for at least twice the tolerance).
 */
export function verifyWebhook({
  headers,
  body,
  secrets,
  toleranceSeconds = DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  now = new Date(),
}: VerifyWebhookInput): WebhookVerification {
  const keys = secretKeys(secrets);
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new TypeError('toleranceSeconds must be a non-negative number');
  }
  const id = header(headers, WEBHOOK_HEADERS.id);
  const timestamp = header(headers, WEBHOOK_HEADERS.timestamp);
  const signature = header(headers, WEBHOOK_HEADERS.signature);
  if (!id || !timestamp || !signature) return { ok: false, reason: 'missing-header' };
  if (!MESSAGE_ID.test(id) || !TIMESTAMP.test(timestamp)) return { ok: false, reason: 'malformed-header' };

  const seconds = Number(timestamp);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (nowSeconds - seconds > toleranceSeconds) return { ok: false, reason: 'timestamp-too-old' };
  if (seconds - nowSeconds > toleranceSeconds) return { ok: false, reason: 'timestamp-too-new' };

  const offered = signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,') && V1_SIGNATURE.test(entry.slice(3)))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  const expected = keys.map((key) => hmac(key, id, timestamp, body));
  // Every pair is compared (no early exit), on equal-length buffers.
  let matched = false;
  for (const candidate of offered) {
    for (const mac of expected) {
      if (timingSafeEqual(candidate, mac)) matched = true;
    }
  }
  return matched ? { ok: true, id, timestamp: seconds } : { ok: false, reason: 'no-matching-signature' };
}
