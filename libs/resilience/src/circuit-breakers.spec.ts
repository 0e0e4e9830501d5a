import { classifyError, PermanentError, TransientError } from './errors';
import { Registry } from 'prom-client';
import type { BreakerState } from './circuit-breaker-metrics';
import { CallTimeoutError, CircuitBreakers, CircuitOpenError } from './circuit-breakers';

const THRESHOLDS = { errorThresholdPercentage: 50, volumeThreshold: 4, resetTimeoutMs: 1_000 };

const ok = async () => 'ok';
const down = async () => {
  throw new TransientError('503');
};
const refused = async () => {
  throw new PermanentError('422');
};

/** Runs `work` and returns how it settled, so a sequence of calls reads as a list. */
async function outcome(breakers: CircuitBreakers, key: string, work: () => Promise<string>): Promise<string> {
  try {
    return await breakers.run(key, work);
  } catch (error) {
    return (error as Error).name;
  }
}

function setup(options: { registry?: Registry } = {}) {
  const transitions: Array<[string, BreakerState, BreakerState]> = [];
  const breakers = new CircuitBreakers({
    defaults: THRESHOLDS,
    metrics: options.registry,
    onStateChange: (key, from, to) => transitions.push([key, from, to]),
  });
  return { breakers, transitions };
}

async function trip(breakers: CircuitBreakers, key: string): Promise<void> {
  for (let i = 0; i < THRESHOLDS.volumeThreshold; i += 1) await outcome(breakers, key, down);
  expect(breakers.state(key)).toBe('open');
}

describe('CircuitBreakers', () => {
  let breakers: CircuitBreakers;
  afterEach(() => breakers?.shutdown());

  it('opens once enough calls failed, then rejects without calling, with a transient CircuitOpenError', async () => {
    ({ breakers } = setup());
    const results = [];
    for (const work of [ok, down, down, down]) results.push(await outcome(breakers, 'ehr-1', work));
    expect(results).toEqual(['ok', 'TransientError', 'TransientError', 'TransientError']);
    expect(breakers.state('ehr-1')).toBe('open');

    const work = jest.fn(ok);
    const rejection = await breakers.run('ehr-1', work).catch((error: unknown) => error);
    expect(work).not.toHaveBeenCalled();
    expect(rejection).toBeInstanceOf(CircuitOpenError);
    expect(rejection).toMatchObject({ key: 'ehr-1', state: 'open', code: 'EOPENBREAKER' });
    expect(classifyError(rejection)).toBe('transient');
  });

  it('does not open below the volume threshold', async () => {
    ({ breakers } = setup());
    for (let i = 0; i < THRESHOLDS.volumeThreshold - 1; i += 1) await outcome(breakers, 'ehr-1', down);
    expect(breakers.state('ehr-1')).toBe('closed');
  });

  it('does not count permanent errors: the server answered, the request was wrong', async () => {
    ({ breakers } = setup());
    const results = [];
    for (let i = 0; i < 10; i += 1) results.push(await outcome(breakers, 'ehr-1', refused));
    expect(new Set(results)).toEqual(new Set(['PermanentError']));
    expect(breakers.state('ehr-1')).toBe('closed');
  });

  it('keeps keys apart', async () => {
    ({ breakers } = setup());
    await trip(breakers, 'ehr-1');
    await expect(breakers.run('ehr-2', ok)).resolves.toBe('ok');
    expect(breakers.state('ehr-2')).toBe('closed');
    expect(breakers.state('never-used')).toBeUndefined();
  });

  describe('after the reset timeout', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('half-opens, lets one trial call through, and closes when it succeeds', async () => {
      const { breakers: b, transitions } = setup();
      breakers = b;
      await trip(breakers, 'ehr-1');
      jest.advanceTimersByTime(THRESHOLDS.resetTimeoutMs);
      expect(breakers.state('ehr-1')).toBe('half_open');

      let finishTrial!: (value: string) => void;
      const trial = breakers.run('ehr-1', () => new Promise<string>((resolve) => (finishTrial = resolve)));
      const concurrent = await breakers.run('ehr-1', ok).catch((error: unknown) => error);
      expect(concurrent).toMatchObject({ name: 'CircuitOpenError', state: 'half_open' });
      finishTrial('trial ok');
      await expect(trial).resolves.toBe('trial ok');
      expect(breakers.state('ehr-1')).toBe('closed');
      expect(transitions).toEqual([
        ['ehr-1', 'closed', 'open'],
        ['ehr-1', 'open', 'half_open'],
        ['ehr-1', 'half_open', 'closed'],
      ]);
    });

    it('opens again when the trial call fails', async () => {
      const { breakers: b, transitions } = setup();
      breakers = b;
      await trip(breakers, 'ehr-1');
      jest.advanceTimersByTime(THRESHOLDS.resetTimeoutMs);
      expect(await outcome(breakers, 'ehr-1', down)).toBe('TransientError');
      expect(breakers.state('ehr-1')).toBe('open');
      expect(transitions.map(([, , to]) => to)).toEqual(['open', 'half_open', 'open']);
    });

    it('closes on a permanent error in the trial: the server is answering', async () => {
      ({ breakers } = setup());
      await trip(breakers, 'ehr-1');
      jest.advanceTimersByTime(THRESHOLDS.resetTimeoutMs);
      expect(await outcome(breakers, 'ehr-1', refused)).toBe('PermanentError');
      expect(breakers.state('ehr-1')).toBe('closed');
    });

    it('times a call out with its own signal aborted, and counts the timeout as a failure', async () => {
      ({ breakers } = setup());
      breakers.configure('slow', { timeoutMs: 500, volumeThreshold: 1 });
      let seen: AbortSignal | undefined;
      const call = breakers.run('slow', (signal) => {
        seen = signal;
        return new Promise<string>(() => undefined);
      });
      const settled = call.catch((error: unknown) => error);
      await jest.advanceTimersByTimeAsync(500);
      const error = await settled;
      expect(error).toBeInstanceOf(CallTimeoutError);
      expect(classifyError(error)).toBe('transient');
      expect(seen?.aborted).toBe(true);
      expect(seen?.reason).toBe(error);
      expect(breakers.state('slow')).toBe('open');
    });
  });

  it("passes the caller's abort on to the work and does not count it as a failure", async () => {
    ({ breakers } = setup());
    breakers.configure('ehr-1', { volumeThreshold: 1 });
    const controller = new AbortController();
    const call = breakers.run(
      'ehr-1',
      (signal) =>
        new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      { signal: controller.signal },
    );
    controller.abort(new Error('shutting down'));
    await expect(call).rejects.toThrow('shutting down');
    expect(breakers.state('ehr-1')).toBe('closed');
  });

  it('refuses a call whose signal is already aborted without running it', async () => {
    ({ breakers } = setup());
    const work = jest.fn(ok);
    await expect(
      breakers.run('ehr-1', work, { signal: AbortSignal.abort(new Error('gone')) }),
    ).rejects.toThrow('gone');
    expect(work).not.toHaveBeenCalled();
  });

  it('counts only what isFailure says counts', async () => {
    breakers = new CircuitBreakers({
      defaults: THRESHOLDS,
      isFailure: (error) => error instanceof RangeError,
    });
    for (let i = 0; i < 5; i += 1) await outcome(breakers, 'ehr-1', down);
    expect(breakers.state('ehr-1')).toBe('closed');
    // 6 counted failures in 11 calls: over 50 %.
    for (let i = 0; i < 6; i += 1) {
      await outcome(breakers, 'ehr-1', async () => {
        throw new RangeError('x');
      });
    }
    expect(breakers.state('ehr-1')).toBe('open');
  });

  describe('configure', () => {
    it('replaces the breaker with new thresholds, keeping its state and counts', async () => {
      const { breakers: b, transitions } = setup();
      breakers = b;
      await trip(breakers, 'ehr-1');
      breakers.configure('ehr-1', { resetTimeoutMs: 60_000, volumeThreshold: 8 });
      expect(breakers.state('ehr-1')).toBe('open');
      expect(await outcome(breakers, 'ehr-1', ok)).toBe('CircuitOpenError');
      expect(transitions).toEqual([['ehr-1', 'closed', 'open']]);

      // Counts carry over: 3 failures before the swap and 5 after reach the new volume of 8.
      breakers.configure('other', { volumeThreshold: 8 });
      for (let i = 0; i < 3; i += 1) await outcome(breakers, 'other', down);
      breakers.configure('other', { volumeThreshold: 8, errorThresholdPercentage: 60 });
      for (let i = 0; i < 4; i += 1) await outcome(breakers, 'other', down);
      expect(breakers.state('other')).toBe('closed');
      await outcome(breakers, 'other', down);
      expect(breakers.state('other')).toBe('open');
    });

    it('applies the new thresholds', async () => {
      ({ breakers } = setup());
      breakers.configure('ehr-1', { volumeThreshold: 1 });
      await breakers.run('ehr-1', ok);
      breakers.configure('ehr-1', { volumeThreshold: 100 });
      for (let i = 0; i < 20; i += 1) await outcome(breakers, 'ehr-1', down);
      expect(breakers.state('ehr-1')).toBe('closed');
    });

    it('keeps the breaker when nothing changed', async () => {
      ({ breakers } = setup());
      breakers.configure('ehr-1', { volumeThreshold: 2 });
      await outcome(breakers, 'ehr-1', down);
      breakers.configure('ehr-1', { volumeThreshold: 2, timeoutMs: undefined });
      await outcome(breakers, 'ehr-1', down);
      expect(breakers.state('ehr-1')).toBe('open');
    });

    it('names every bad option at once', () => {
      ({ breakers } = setup());
      expect(() =>
        breakers.configure('ehr-1', {
          errorThresholdPercentage: 120,
          volumeThreshold: -1,
          resetTimeoutMs: 0,
          timeoutMs: 1.5,
          rollingCountBuckets: 0,
        }),
      ).toThrow(
        'invalid circuit breaker options: errorThresholdPercentage must be 0–100; volumeThreshold must be an integer ≥ 0; ' +
          'resetTimeoutMs must be an integer > 0; timeoutMs must be an integer > 0; rollingCountBuckets must be an integer ≥ 1',
      );
      expect(breakers.state('ehr-1')).toBeUndefined();
    });
  });

  it('keeps working when a state listener throws', async () => {
    ({ breakers } = setup());
    breakers.onStateChange(() => {
      throw new Error('listener bug');
    });
    await trip(breakers, 'ehr-1');
    expect(await outcome(breakers, 'ehr-1', ok)).toBe('CircuitOpenError');
  });

  it('stops telling a listener once it unsubscribed', async () => {
    ({ breakers } = setup());
    const heard: string[] = [];
    const stop = breakers.onStateChange((key, _from, to) => heard.push(`${key}:${to}`));
    stop();
    await trip(breakers, 'ehr-1');
    expect(heard).toEqual([]);
  });

  it('forgets a removed key', async () => {
    ({ breakers } = setup());
    await trip(breakers, 'ehr-1');
    breakers.remove('ehr-1');
    expect(breakers.state('ehr-1')).toBeUndefined();
    await expect(breakers.run('ehr-1', ok)).resolves.toBe('ok');
  });

  describe('metrics', () => {
    async function values(registry: Registry, name: string): Promise<Record<string, number>> {
      const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
      return Object.fromEntries(
        (metric?.values ?? []).map((v) => [Object.values(v.labels).join(','), v.value]),
      );
    }

    it('counts breakers per state, transitions per state entered and calls per outcome, with no ids', async () => {
      const registry = new Registry();
      const first = setup({ registry });
      breakers = first.breakers;
      // A second registry instance in the same process adds to the same series.
      const second = new CircuitBreakers({ defaults: THRESHOLDS, metrics: registry });
      try {
        await trip(breakers, 'ehr-1');
        await outcome(breakers, 'ehr-1', ok);
        await breakers.run('ehr-2', ok);
        await outcome(breakers, 'ehr-2', refused);
        await second.run('pms-1', ok);
        breakers.configure('configured-only', {});

        expect(await values(registry, 'meridian_circuit_breakers')).toEqual({
          closed: 3,
          open: 1,
          half_open: 0,
        });
        expect(await values(registry, 'meridian_circuit_breaker_transitions_total')).toEqual({ open: 1 });
        expect(await values(registry, 'meridian_circuit_breaker_calls_total')).toEqual({
          failure: 4,
          rejected: 1,
          success: 2,
          ignored: 1,
        });
        const text = await registry.metrics();
        expect(text).not.toMatch(/ehr-|pms-|configured-only/);
      } finally {
        second.shutdown();
      }
      expect(await values(registry, 'meridian_circuit_breakers')).toEqual({
        closed: 2,
        open: 1,
        half_open: 0,
      });
    });
  });
});
