import type { ErrorSummary } from '@meridian/contracts';
import { parseRetryAfter } from '@meridian/resilience';
import { sendWebhook, type AllowList } from '@meridian/security';

/** What one attempt needs: where, which message, and the secrets to sign with now. */
export interface WebhookRequest {
  url: string;
  webhookId: string;
  /** `{type, timestamp, data}` exactly as it will be sent (the signed bytes). */
  body: string;
  secrets: readonly string[];
}

/**
 * `delivered`: 2xx. `gone`: 410, the endpoint is to be disabled. `failed`: anything else (another
 * status, a redirect, a timeout, a refused connection or address); `breakerFailure` says whether
 * it speaks of the partner's health (5xx, 429, timeout, network) rather than of the request.
 */
export interface AttemptResult {
  kind: 'delivered' | 'gone' | 'failed';
  statusCode?: number;
  durationMs: number;
  /** From Retry-After on 429 and 503. */
  retryAfterMs?: number;
  /** Fixed texts written here, never the partner's words or the URL. */
  error?: ErrorSummary;
  /** The first 1 KiB of the answer, as text, for the delivery log only. */
  responseBody?: string;
  breakerFailure: boolean;
}

export interface SenderOptions {
  timeoutMs: number;
  allowList: AllowList;
  allowHttp: boolean;
}

const RESPONSE_BODY_BYTES = 1024;

/**
 * One signed delivery attempt (libs/security `sendWebhook`: Standard Webhooks headers with the same
 * `webhook-id` on every attempt and this attempt's timestamp, one `v1,` signature per current
 * secret, the SSRF guard on every attempt, a connection to the checked address, one deadline,
 * redirects never followed), and the answer classified. Never throws for what the partner or the
 * network did.
 */
export class WebhookSender {
  constructor(private readonly options: SenderOptions) {}

  async send(request: WebhookRequest): Promise<AttemptResult> {
    const { response, durationMs } = await sendWebhook({
      ...request,
      timeoutMs: this.options.timeoutMs,
      maxResponseBytes: RESPONSE_BODY_BYTES,
      allowList: this.options.allowList,
      allowHttp: this.options.allowHttp,
    });
    if (!response.ok) {
      switch (response.reason) {
        case 'timeout':
          return failed(
            durationMs,
            'Timeout',
            `no complete answer within ${this.options.timeoutMs} ms`,
            true,
          );
        case 'network-error':
          return failed(
            durationMs,
            'NetworkError',
            `connection failed (${response.code ?? 'unknown'})`,
            true,
          );
        default:
          return failed(
            durationMs,
            'UrlRefused',
            `the endpoint URL was refused: ${response.reason}${response.category ? ` (${response.category})` : ''}`,
            false,
          );
      }
    }
    const statusCode = response.status;
    const responseBody = response.body.toString('utf8');
    if (statusCode >= 200 && statusCode < 300) {
      return { kind: 'delivered', statusCode, durationMs, responseBody, breakerFailure: false };
    }
    if (statusCode === 410) {
      return {
        kind: 'gone',
        statusCode,
        durationMs,
        responseBody,
        breakerFailure: false,
        error: { class: 'Gone', message: 'the endpoint answered 410 Gone', retryable: false },
      };
    }
    const retryAfterHeader = response.headers['retry-after'];
    const retryAfterMs =
      statusCode === 429 || statusCode === 503
        ? parseRetryAfter(Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader)
        : undefined;
    const redirect = statusCode >= 300 && statusCode < 400;
    return {
      kind: 'failed',
      statusCode,
      durationMs,
      responseBody,
      retryAfterMs,
      breakerFailure: statusCode >= 500 || statusCode === 429,
      error: {
        class: redirect ? 'Redirect' : `Http${Math.floor(statusCode / 100)}xx`,
        message: redirect
          ? `the endpoint answered ${statusCode}; redirects are not followed`
          : `the endpoint answered ${statusCode}`,
        retryable: true,
      },
    };
  }
}

function failed(
  durationMs: number,
  errorClass: string,
  message: string,
  breakerFailure: boolean,
): AttemptResult {
  return {
    kind: 'failed',
    durationMs,
    breakerFailure,
    error: { class: errorClass, message, retryable: true },
  };
}
