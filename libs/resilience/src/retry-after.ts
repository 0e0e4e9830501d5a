/**
 * The wait an HTTP `Retry-After` header asks for (RFC 9110 §10.2.3): delay-seconds (`120`) or an
 * HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`), relative to `now`. A date in the past is 0;
 * anything else (empty, negative, fractional, garbage) is `undefined`: no hint.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // IMF-fixdate and the obsolete RFC 850 form name the weekday and end in GMT; Date.parse alone
  // would take far more (`1`, `2026`) than the header allows.
  if (!/^[A-Za-z]{3,9}, /.test(text) || !text.endsWith(' GMT')) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
