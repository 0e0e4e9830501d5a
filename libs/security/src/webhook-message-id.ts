import { createHash, randomBytes } from 'node:crypto';

/** Crockford base32: digits before letters, so ids sort as strings in the order of their values. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_BITS = 80n;
const RANDOM_MAX = (1n << RANDOM_BITS) - 1n;
/** ULID's timestamp: 48 bits of milliseconds, good until the year 10889. */
const MAX_TIME_MS = 2 ** 48 - 1;

let lastTimeMs = -1;
let lastRandom = 0n;

function base32(value: bigint, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    text = ALPHABET[Number(value & 31n)] + text;
    value >>= 5n;
  }
  return text;
}

const random80 = (): bigint => BigInt(`0x${randomBytes(10).toString('hex')}`);

/**
 * A new `webhook-id`: `msg_` + a ULID (26 Crockford base32 characters: 48 bits of milliseconds,
 * then 80 random bits). Ids sort as strings by creation time; within one process they are strictly
 * increasing even for ids made in the same millisecond (the random part counts up) or while the
 * clock steps back (the last time is kept). Unique across processes by their 80 random bits.
 * Create it once per message when the event is decided, and reuse it on every retry.
 */
export function newWebhookMessageId(now: Date = new Date()): string {
  let timeMs = Math.max(now.getTime(), lastTimeMs);
  if (!Number.isSafeInteger(timeMs) || timeMs < 0 || timeMs > MAX_TIME_MS) {
    throw new RangeError('time out of the range a ULID can hold');
  }
  let random: bigint;
  if (timeMs === lastTimeMs) {
    random = (lastRandom + 1n) & RANDOM_MAX;
    // 2^80 ids in one millisecond cannot happen; if the counter wraps anyway, borrow the next millisecond.
    if (random === 0n) {
      timeMs += 1;
      random = random80();
    }
  } else {
    random = random80();
  }
  lastTimeMs = timeMs;
  lastRandom = random;
  return `msg_${base32(BigInt(timeMs), 10)}${base32(random, 16)}`;
}

/**
 * A `webhook-id` derived from what identifies a message, e.g. (eventId, endpointId): `msg_` + 26
 * base32 characters of SHA-256 over the parts (130 bits). The same parts always give the same id, so
 * an event fanned out again (a redelivered Kafka record) is the same message to the partner, whose
 * dedupe on `webhook-id` then holds. Parts are length-prefixed, so ("ab","c") and ("a","bc") differ.
 */
export function deriveWebhookMessageId(...parts: string[]): string {
  if (parts.length === 0) throw new TypeError('at least one part is required');
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${Buffer.byteLength(part, 'utf8')}:${part};`);
  const digest = BigInt(`0x${hash.digest('hex')}`) >> 126n;
  return `msg_${base32(digest, 26)}`;
}
