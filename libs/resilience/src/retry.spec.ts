import { PermanentError, TransientError } from './errors';
import type { RetryPolicy } from './backoff';
import { abortableSleep, retry, type RetryEvent } from './retry';

const POLICY: RetryPolicy = { maxAttempts: 4, backoff: 'exponential', baseDelayMs: 100, maxDelayMs: 1_000 };

/** A function that fails with the given errors in turn, then resolves with its attempt number. */
function failing(...errors: unknown[]) {
  const attempts: number[] = [];
  const fn = async (attempt: number) => {
    attempts.push(attempt);
    if (attempts.length <= errors.length) throw errors[attempts.length - 1];
    return `ok on ${attempt}`;
  };
  return { fn, attempts };
}

function recorder() {
  const waits: number[] = [];
  const events: RetryEvent[] = [];
  return {
    waits,
    events,
    options: {
      random: () => 1,
      sleep: async (ms: number) => {
        waits.push(ms);
      },
      onRetry: (event: RetryEvent) => {
        events.push(event);
      },
    },
  };
}

describe('retry', () => {
  it('retries transient failures with the backoff and returns the first success', async () => {
    const { fn, attempts } = failing(new TransientError('a'), new TransientError('b'));
    const { waits, events, options } = recorder();
    await expect(retry(fn, POLICY, options)).resolves.toBe('ok on 3');
    expect(attempts).toEqual([1, 2, 3]);
    expect(waits).toEqual([100, 200]);
    expect(events.map((e) => [e.attempt, e.delayMs, e.retryAfter])).toEqual([
      [1, 100, false],
      [2, 200, false],
    ]);
  });

  it('never retries a permanent error', async () => {
    const permanent = new PermanentError('bad input');
    const { fn, attempts } = failing(permanent);
    const { waits, options } = recorder();
    await expect(retry(fn, POLICY, options)).rejects.toBe(permanent);
    expect(attempts).toEqual([1]);
    expect(waits).toEqual([]);
  });

  it('classifies foreign errors like the Kafka runtime: a 4xx-shaped error is permanent, a 503 transient', async () => {
    const clientError = Object.assign(new Error('nope'), { status: 422 });
    const serverError = Object.assign(new Error('down'), { status: 503 });
    const first = failing(clientError);
    await expect(retry(first.fn, POLICY, recorder().options)).rejects.toBe(clientError);
    expect(first.attempts).toEqual([1]);
    const second = failing(serverError);
    await expect(retry(second.fn, POLICY, recorder().options)).resolves.toBe('ok on 2');
  });

  it('rethrows the last error unchanged once the attempts are used up', async () => {
    const errors = [1, 2, 3, 4].map((n) => new TransientError(`failure ${n}`));
    const { fn, attempts } = failing(...errors);
    await expect(retry(fn, POLICY, recorder().options)).rejects.toBe(errors[3]);
    expect(attempts).toEqual([1, 2, 3, 4]);
  });

  it('asks isRetryable with the attempt number', async () => {
    const seen: number[] = [];
    const { fn, attempts } = failing(new Error('x'), new Error('y'));
    const isRetryable = (_error: unknown, attempt: number) => {
      seen.push(attempt);
      return attempt < 2;
    };
    await expect(retry(fn, POLICY, { ...recorder().options, isRetryable })).rejects.toThrow('y');
    expect(attempts).toEqual([1, 2]);
    expect(seen).toEqual([1, 2]);
  });

  it("waits as long as an error's Retry-After hint when that is longer than the backoff", async () => {
    const throttled = Object.assign(new TransientError('429'), { retryAfterMs: 5_000 });
    const quick = Object.assign(new TransientError('503'), { retryAfterMs: 10 });
    const { fn } = failing(throttled, quick);
    const { waits, events, options } = recorder();
    await expect(retry(fn, POLICY, options)).resolves.toBe('ok on 3');
    expect(waits).toEqual([5_000, 200]);
    expect(events.map((e) => e.retryAfter)).toEqual([true, false]);
  });

  it('stops when the hint is beyond maxRetryAfterMs instead of calling early', async () => {
    const throttled = Object.assign(new TransientError('429'), { retryAfterMs: 120_000 });
    const { fn, attempts } = failing(throttled);
    const { waits, options } = recorder();
    await expect(retry(fn, POLICY, { ...options, maxRetryAfterMs: 60_000 })).rejects.toBe(throttled);
    expect(attempts).toEqual([1]);
    expect(waits).toEqual([]);
  });

  it('takes the hint from a custom reader', async () => {
    const { fn } = failing(new TransientError('x'));
    const { waits, options } = recorder();
    await retry(fn, POLICY, { ...options, retryAfterMs: () => 700 });
    expect(waits).toEqual([700]);
  });

  it('stops with the error onRetry throws', async () => {
    const lost = new Error('rebalance');
    const { fn, attempts } = failing(new TransientError('x'));
    const onRetry = () => {
      throw lost;
    };
    await expect(retry(fn, POLICY, { ...recorder().options, onRetry })).rejects.toBe(lost);
    expect(attempts).toEqual([1]);
  });

  it('refuses a bad policy before calling', async () => {
    const { fn, attempts } = failing();
    await expect(retry(fn, { ...POLICY, maxAttempts: 0 })).rejects.toThrow(TypeError);
    expect(attempts).toEqual([]);
  });

  describe('with real timers faked', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('sleeps between attempts by default', async () => {
      const { fn, attempts } = failing(new TransientError('x'));
      const result = retry(fn, POLICY, { random: () => 1 });
      await jest.advanceTimersByTimeAsync(99);
      expect(attempts).toEqual([1]);
      await jest.advanceTimersByTimeAsync(1);
      await expect(result).resolves.toBe('ok on 2');
    });

    it('stops waiting when the signal aborts, with its reason', async () => {
      const controller = new AbortController();
      const { fn, attempts } = failing(new TransientError('x'));
      const result = retry(fn, POLICY, { random: () => 1, signal: controller.signal });
      const settled = expect(result).rejects.toThrow('shutting down');
      await jest.advanceTimersByTimeAsync(50);
      controller.abort(new Error('shutting down'));
      await settled;
      expect(attempts).toEqual([1]);
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});

describe('abortableSleep', () => {
  it('rejects at once with the reason of an already aborted signal', async () => {
    await expect(abortableSleep(10_000, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });
});
