import { assertRetryPolicy, backoffDelayMs, type RetryPolicy } from './backoff';

const noJitter = () => 1;

describe('backoffDelayMs', () => {
  it('grows exponentially from the base and is capped', () => {
    const policy: RetryPolicy = {
      maxAttempts: 6,
      backoff: 'exponential',
      baseDelayMs: 100,
      maxDelayMs: 1000,
    };
    expect([2, 3, 4, 5, 6].map((next) => backoffDelayMs(policy, next, noJitter))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
  });

  it('grows linearly from the base and is capped', () => {
    const policy: RetryPolicy = { maxAttempts: 6, backoff: 'linear', baseDelayMs: 300, maxDelayMs: 1000 };
    expect([2, 3, 4, 5].map((next) => backoffDelayMs(policy, next, noJitter))).toEqual([300, 600, 900, 1000]);
  });

  it('keeps half of the delay fixed and jitters the other half', () => {
    const policy: RetryPolicy = { maxAttempts: 3, backoff: 'exponential', baseDelayMs: 400 };
    expect(backoffDelayMs(policy, 2, () => 0)).toBe(200);
    expect(backoffDelayMs(policy, 2, () => 0.5)).toBe(300);
  });

  it("gives the Kafka handler policy's waits: ~100 ms, ~500 ms, ~2 s, capped, at least half kept", () => {
    const handler: RetryPolicy = {
      maxAttempts: 4,
      backoff: 'exponential',
      baseDelayMs: 100,
      multiplier: 5,
      maxDelayMs: 2_000,
    };
    expect([2, 3, 4, 5].map((attempt) => backoffDelayMs(handler, attempt, () => 1))).toEqual([
      100, 500, 2000, 2000,
    ]);
    expect(backoffDelayMs(handler, 3, () => 0)).toBe(250);
  });
});

describe('assertRetryPolicy', () => {
  it('accepts a sound policy', () => {
    expect(() => assertRetryPolicy({ maxAttempts: 1, backoff: 'linear', baseDelayMs: 0 })).not.toThrow();
  });

  it('names every bad field at once', () => {
    expect(() =>
      assertRetryPolicy({
        maxAttempts: 0,
        backoff: 'fibonacci' as RetryPolicy['backoff'],
        baseDelayMs: -1,
        multiplier: 0.5,
        maxDelayMs: Number.NaN,
      }),
    ).toThrow(
      'invalid retry policy: maxAttempts must be an integer ≥ 1; backoff must be linear or exponential; ' +
        'baseDelayMs must be a number ≥ 0; multiplier must be a number ≥ 1; maxDelayMs must be a number ≥ 0',
    );
  });
});
