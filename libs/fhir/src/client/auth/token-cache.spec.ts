import { TokenCache } from './token-cache';
import type { IssuedToken } from './token-endpoint';

/** A token source that hands out token-1, token-2, … with the given lifetime (null: none given), and a settable clock. */
function setup(lifetimeSeconds: number | null = 600) {
  const expiresInSeconds = lifetimeSeconds ?? undefined;
  let now = 1_000_000;
  let issued = 0;
  let failNext = false;
  const fetchToken = jest.fn(async (): Promise<IssuedToken> => {
    if (failNext) throw new Error('token endpoint down');
    issued += 1;
    return { accessToken: `token-${issued}`, expiresInSeconds };
  });
  const cache = new TokenCache(fetchToken, { now: () => now });
  return {
    cache,
    fetchToken,
    advance: (ms: number) => (now += ms),
    failFromNowOn: () => (failNext = true),
  };
}

describe('TokenCache', () => {
  it('fetches once and serves the cached token until the refresh point', async () => {
    const { cache, fetchToken, advance } = setup(600);
    expect(await cache.get()).toBe('token-1');
    advance(539_000);
    expect(await cache.get()).toBe('token-1');
    expect(fetchToken).toHaveBeenCalledTimes(1);
    // 600 s lifetime: refreshed with 60 s left (more than 10 %).
    advance(1_000);
    expect(await cache.get()).toBe('token-2');
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('refreshes long-lived tokens when 10 % of the lifetime is left', async () => {
    const { cache, advance } = setup(3_600);
    await cache.get();
    advance(3_239_000);
    expect(await cache.get()).toBe('token-1');
    advance(1_000);
    expect(await cache.get()).toBe('token-2');
  });

  it('uses short-lived tokens for half their lifetime', async () => {
    const { cache, advance } = setup(30);
    await cache.get();
    advance(14_999);
    expect(await cache.get()).toBe('token-1');
    advance(1);
    expect(await cache.get()).toBe('token-2');
  });

  it('assumes five minutes when the server gives no expires_in', async () => {
    const { cache, advance } = setup(null);
    await cache.get();
    advance(239_999);
    expect(await cache.get()).toBe('token-1');
    advance(1);
    expect(await cache.get()).toBe('token-2');
  });

  it('shares one token request among concurrent callers', async () => {
    const { cache, fetchToken } = setup();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => cache.get()));
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it('keeps the current token while it is valid if an early refresh fails, and fails once it expired', async () => {
    const { cache, advance, failFromNowOn } = setup(600);
    await cache.get();
    failFromNowOn();
    advance(550_000);
    expect(await cache.get()).toBe('token-1');
    advance(50_000);
    await expect(cache.get()).rejects.toThrow('token endpoint down');
  });

  it('drops a token the server refused, but not a newer one', async () => {
    const { cache } = setup();
    expect(await cache.get()).toBe('token-1');
    cache.invalidate('token-1');
    expect(await cache.get()).toBe('token-2');
    cache.invalidate('token-1');
    expect(await cache.get()).toBe('token-2');
  });

  it("stops one caller's wait when its signal aborts, without failing the others", async () => {
    let release!: () => void;
    const fetchToken = () =>
      new Promise<IssuedToken>(
        (resolve) => (release = () => resolve({ accessToken: 't', expiresInSeconds: 600 })),
      );
    const cache = new TokenCache(fetchToken);
    const controller = new AbortController();
    const impatient = cache.get(controller.signal);
    const patient = cache.get();
    controller.abort(new Error('shutting down'));
    await expect(impatient).rejects.toThrow('shutting down');
    release();
    await expect(patient).resolves.toBe('t');
  });
});
