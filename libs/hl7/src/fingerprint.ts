import { createHash } from 'node:crypto';
import type { Hl7Message } from './hl7-message';

/**
 * Header fields a resend of the same message may change, left out of its content fingerprint:
 * - MSH-7 (date/time of message): engines re-stamp it when they send again from their queue.
 * - MSH-13 (sequence number): bookkeeping of the sequence number protocol (a link property, not the
 *   message's); engines that replay a queue after a reconnect may renumber.
 * Everything else counts, MSH-10 included: a changed value anywhere else is a different message.
 */
export const FINGERPRINT_IGNORED_FIELDS: readonly string[] = ['MSH-7', 'MSH-13'];

/** MSH field numbers in FINGERPRINT_IGNORED_FIELDS. */
const IGNORED_MSH_FIELDS = [7, 13];

/**
 * SHA-256 (hex) of a message's content, so a duplicate (the same message sent again) can be told from a
 * different message that reuses its control id. The text is normalised first as resends legitimately
 * differ: segments as parsed (CR, LF or CRLF ends, blank lines and a BOM dropped) joined by CR; trailing
 * empty fields of each segment dropped (`PID|1||X|` and `PID|1||X` mean the same in ER7); and the
 * fields of FINGERPRINT_IGNORED_FIELDS emptied. The character set does not matter: the text is
 * compared after decoding. Nothing else is normalised: field content, repetitions and Z-segments count.
 */
export function contentFingerprint(message: Hl7Message): string {
  const hash = createHash('sha256');
  const separator = message.encoding.field;
  message.segments.forEach((segment, index) => {
    let parts = segment.raw.split(separator);
    if (index === 0) {
      // parts[n - 1] is MSH-n: MSH-1 is the separator itself.
      parts = parts.map((part, i) => (IGNORED_MSH_FIELDS.includes(i + 1) ? '' : part));
    }
    let end = parts.length;
    while (end > 1 && parts[end - 1] === '') end--;
    if (index > 0) hash.update('\r');
    hash.update(parts.slice(0, end).join(separator), 'utf8');
  });
  return hash.digest('hex');
}
