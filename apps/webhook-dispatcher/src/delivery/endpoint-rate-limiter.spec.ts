import { EndpointRateLimiter } from './endpoint-rate-limiter';

describe('EndpointRateLimiter', () => {
  it('lets a burst of `rate` through, then says when the next token is free', () => {
    let now = 1_000_000;
    const limiter = new EndpointRateLimiter(() => now);
    expect([1, 2, 3].map(() => limiter.take('ep', 2))).toEqual([0, 0, 500]);
    now += 250;
    expect(limiter.take('ep', 2)).toBe(250);
    now += 250;
    expect(limiter.take('ep', 2)).toBe(0);
  });

  it('keeps endpoints apart', () => {
    const limiter = new EndpointRateLimiter(() => 0);
    expect(limiter.take('a', 1)).toBe(0);
    expect(limiter.take('a', 1)).toBe(1_000);
    expect(limiter.take('b', 1)).toBe(0);
  });
});
