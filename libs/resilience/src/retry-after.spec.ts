import { parseRetryAfter } from './retry-after';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
  });

  it('reads an HTTP date relative to now, a past one as 0', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Sunday, 01-Mar-26 12:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Sat, 28 Feb 2026 12:00:00 GMT', NOW)).toBe(0);
  });

  it('gives no hint for anything else', () => {
    for (const value of [
      undefined,
      null,
      '',
      '-5',
      '1.5',
      'soon',
      '2026-03-01T12:00:30Z',
      'Sun, 01 Mar 2026',
    ]) {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    }
  });
});
