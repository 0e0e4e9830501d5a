import { DEFAULT_RETRY_POLICY, retryDelayMs } from './backoff';

describe('retryDelayMs', () => {
  it('grows exponentially and is capped', () => {
    const noJitter = () => 1;
    expect([2, 3, 4, 5].map((attempt) => retryDelayMs(DEFAULT_RETRY_POLICY, attempt, noJitter))).toEqual([
      100, 500, 2000, 2000,
    ]);
  });

  it('keeps at least half of the delay when jittered', () => {
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 3, () => 0)).toBe(250);
  });
});
