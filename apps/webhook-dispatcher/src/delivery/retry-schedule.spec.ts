import { RetrySchedule } from './retry-schedule';
import { statusClass } from './webhook-metrics';

describe('RetrySchedule', () => {
  const real = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

  it('has 8 attempts on the real schedule, each retry parked on the tier of its delay', () => {
    const schedule = new RetrySchedule(real, 0.1, () => 0.999);
    expect(schedule.maxAttempts).toBe(8);
    expect([2, 3, 4, 5, 6, 7, 8].map((n) => schedule.topicFor(schedule.delayBefore(n)))).toEqual([
      'webhooks.dispatch.v1.retry-5s',
      'webhooks.dispatch.v1.retry-5m',
      'webhooks.dispatch.v1.retry-30m',
      'webhooks.dispatch.v1.retry-2h',
      'webhooks.dispatch.v1.retry-5h',
      'webhooks.dispatch.v1.retry-10h',
      'webhooks.dispatch.v1.retry-10h',
    ]);
    expect(() => schedule.delayBefore(9)).toThrow(RangeError);
  });

  it('parks short waits on the first tier and a wait longer than a tier on the next one', () => {
    const schedule = new RetrySchedule([300], 0);
    expect(schedule.topicFor(300)).toBe('webhooks.dispatch.v1.retry-5s');
    expect(schedule.topicFor(60_000)).toBe('webhooks.dispatch.v1.retry-5m');
    expect(schedule.topicFor(40 * 3_600_000)).toBe('webhooks.dispatch.v1.retry-10h');
  });

  it('lengthens each wait by up to the jitter fraction, never shortens it', () => {
    expect(new RetrySchedule(real, 0.1, () => 0).delayBefore(2)).toBe(5_000);
    expect(new RetrySchedule(real, 0.1, () => 0.999).delayBefore(3)).toBe(Math.round(300_000 * 1.0999));
  });

  it('waits at least what Retry-After asked for, up to the longest tier', () => {
    const schedule = new RetrySchedule([100], 0);
    expect(schedule.delayBefore(2, 30_000)).toBe(30_000);
    expect(schedule.delayBefore(2, 10)).toBe(100);
    expect(schedule.delayBefore(2, 7 * 24 * 3_600_000)).toBe(schedule.maxWaitMs);
  });

  it('refuses a schedule longer than the retry tiers', () => {
    expect(() => new RetrySchedule([1, 2, 3, 4, 5, 6, 7, 8], 0)).toThrow(RangeError);
  });
});

describe('statusClass', () => {
  it('maps statuses to a fixed set of labels', () => {
    expect([200, 302, 410, 503, undefined, 101].map(statusClass)).toEqual([
      '2xx',
      '3xx',
      '4xx',
      '5xx',
      'none',
      'none',
    ]);
  });
});
