/**
 * Per endpoint, at most `rate` attempts per second (bursts of up to `rate`): a token bucket per
 * endpoint id. `take` spends a token, or says how long until one is free without spending it (the
 * caller defers the record to then instead of waiting in a handler).
 */
export class EndpointRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** 0 when the attempt may go now (a token was spent); otherwise the ms until a token is free. */
  take(endpointId: string, rate: number): number {
    const now = this.clock();
    const bucket = this.buckets.get(endpointId) ?? { tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) * rate) / 1000);
    bucket.at = now;
    this.buckets.set(endpointId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 1000) / rate);
  }
}
