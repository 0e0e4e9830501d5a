import type { IssuedToken } from './token-endpoint';

export interface TokenCacheOptions {
  /** Refresh at least this long before expiry; default 60 s. */
  refreshSkewMs?: number;
  /** …or when less than this share of the lifetime is left, if that is earlier; default 0.1. */
  refreshShare?: number;
  /** Lifetime assumed when the server gives no `expires_in`; default 300 s. */
  defaultLifetimeMs?: number;
  now?: () => number;
}

interface CachedToken {
  token: string;
  refreshAt: number;
  expiresAt: number;
}

/**
 * One access token, fetched when needed and refreshed before it expires: when less than
 * max(60 s, 10 % of its lifetime) is left (at most half its lifetime, so that short tokens are
 * used at all). Lifetimes count from when the request was sent, so a slow answer errs early.
 * Concurrent callers share one token request (single flight). An early refresh that fails leaves
 * the current token in use until it really expires.
 */
export class TokenCache {
  private current?: CachedToken;
  private pending?: Promise<string>;
  private readonly skewMs: number;
  private readonly share: number;
  private readonly defaultLifetimeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly fetchToken: () => Promise<IssuedToken>,
    options: TokenCacheOptions = {},
  ) {
    this.skewMs = options.refreshSkewMs ?? 60_000;
    this.share = options.refreshShare ?? 0.1;
    this.defaultLifetimeMs = options.defaultLifetimeMs ?? 300_000;
    this.now = options.now ?? Date.now;
  }

  /** A token to send now. The wait for a token request ends early if `signal` aborts (the request itself goes on for the others). */
  async get(signal?: AbortSignal): Promise<string> {
    const now = this.now();
    const cached = this.current;
    if (cached && now < cached.refreshAt) return cached.token;
    if (cached && now < cached.expiresAt) {
      try {
        return await untilAborted(this.refresh(), signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        return cached.token;
      }
    }
    return untilAborted(this.refresh(), signal);
  }

  /** The server refused `token`: forget it, unless a newer one has replaced it already. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private refresh(): Promise<string> {
    this.pending ??= this.fetchAndStore().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchAndStore(): Promise<string> {
    const requestedAt = this.now();
    const issued = await this.fetchToken();
    const lifetime =
      issued.expiresInSeconds === undefined ? this.defaultLifetimeMs : issued.expiresInSeconds * 1000;
    const margin = Math.min(Math.max(this.skewMs, lifetime * this.share), lifetime / 2);
    this.current = {
      token: issued.accessToken,
      refreshAt: requestedAt + lifetime - margin,
      expiresAt: requestedAt + lifetime,
    };
    return issued.accessToken;
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
