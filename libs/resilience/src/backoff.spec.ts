import { DEFAULT_RETRY_POLICY as KAFKA_POLICY, retryDelayMs } from '@meridian/kafka';
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

  it("agrees with @meridian/kafka's retryDelayMs for the exponential case it generalises", () => {
    const kafkaShaped: RetryPolicy = {
      maxAttempts: KAFKA_POLICY.maxAttempts,
      backoff: 'exponential',
      baseDelayMs: KAFKA_POLICY.initialDelayMs,
      multiplier: KAFKA_POLICY.multiplier,
      maxDelayMs: KAFKA_POLICY.maxDelayMs,
    };
    for (const jitter of [0, 0.37, 1]) {
      for (const next of [1, 2, 3, 4, 5, 8]) {
        expect(backoffDelayMs(kafkaShaped, next, () => jitter)).toBe(
          retryDelayMs(KAFKA_POLICY, next, () => jitter),
        );
      }
    }
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
