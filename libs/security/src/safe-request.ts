import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import {
  bareHostname,
  checkUrl,
  pinnedLookup,
  type CheckUrlOptions,
  type ResolvedAddress,
  type UrlRefusal,
} from './url-guard';

/** CONVENTIONS.md: webhook deliveries time out after 15 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** Enough of a partner's answer for a delivery log; the rest is not read. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

export interface SafeRequestOptions extends CheckUrlOptions {
  /** Default `GET`. */
  method?: string;
  headers?: Readonly<Record<string, string>>;
  /** Sent as is (a string as UTF-8), with its `content-length`. */
  body?: string | Uint8Array;
  /** For the whole exchange: DNS, connect, TLS, request, and the response up to its last byte read. */
  timeoutMs?: number;
  /** The response body is cut after this many bytes (`truncated: true`) and the connection closed. */
  maxResponseBytes?: number;
  /** TLS client settings (a private CA, a client certificate for mutual TLS). */
  tls?: Pick<https.RequestOptions, 'ca' | 'cert' | 'key' | 'passphrase' | 'pfx' | 'minVersion'>;
}

export interface SafeResponse {
  ok: true;
  /** Any status, 3xx included: redirects are never followed. */
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
  /** The address the connection went to (one of the checked ones). */
  remoteAddress: string | undefined;
}

export type SafeRequestFailure =
  | UrlRefusal
  | { ok: false; reason: 'timeout' }
  /** `code` is Node's error code (`ECONNREFUSED`, `ERR_TLS_CERT_ALTNAME_INVALID`, …), never a message. */
  | { ok: false; reason: 'network-error'; code?: string };

/**
 * One HTTP(S) request to a URL that may point anywhere (a partner's webhook endpoint, an EHR's
 * FHIR server): `checkUrl` first, then a connection to exactly the addresses it approved (no
 * second DNS answer, so no rebinding), on a fresh connection (no pooled socket of unknown origin),
 * with one deadline for everything, no redirects followed and a bounded response body. Outcomes,
 * failures included, are values; it rejects only on a programming error (a bad allow-list entry).
 */
export async function safeRequest(
  input: string | URL,
  options: SafeRequestOptions = {},
): Promise<SafeResponse | SafeRequestFailure> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<{ ok: false; reason: 'timeout' }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: 'timeout' }), timeoutMs);
  });
  const abort = new AbortController();
  let settled = false;
  try {
    const checked = await Promise.race([checkUrl(input, options), deadline]);
    if (!checked.ok) return checked;
    const exchanged = exchange(checked.url, checked.addresses, options, maxResponseBytes, abort).then(
      (result) => {
        settled = true;
        return result;
      },
    );
    return await Promise.race([exchanged, deadline]);
  } finally {
    clearTimeout(timer);
    // Ends a request still running after the deadline. Only then: aborting a finished request is
    // not free (an AbortError is made and the socket torn down again), a third of a local delivery's time.
    if (!settled) abort.abort();
  }
}

function exchange(
  url: URL,
  addresses: readonly ResolvedAddress[],
  options: SafeRequestOptions,
  maxResponseBytes: number,
  abort: AbortController,
): Promise<SafeResponse | SafeRequestFailure> {
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) headers['content-length'] = String(body.length);
  const client = url.protocol === 'https:' ? https : http;

  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: SafeResponse | SafeRequestFailure): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const failed = (error: NodeJS.ErrnoException): void =>
      settle({ ok: false, reason: 'network-error', code: error.code });

    const request = client.request(
      {
        protocol: url.protocol,
        hostname: bareHostname(url),
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        headers,
        lookup: pinnedLookup(addresses),
        agent: false,
        signal: abort.signal,
        ...options.tls,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const remoteAddress = response.socket?.remoteAddress;
        const done = (truncated: boolean): void =>
          settle({
            ok: true,
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
            truncated,
            remoteAddress,
          });
        response.on('data', (chunk: Buffer) => {
          const room = maxResponseBytes - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            size = maxResponseBytes;
            done(true);
            response.destroy();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => done(false));
        response.on('error', failed);
      },
    );
    request.on('error', failed);
    request.end(body);
  });
}
