import { safeRequest, type SafeRequestFailure, type SafeResponse } from './safe-request';
import type { AllowList } from './url-guard';
import { signWebhook } from './webhook-signature';

export interface SendWebhookInput {
  url: string;
  /** `webhook-id`: the same on every attempt of the message. */
  webhookId: string;
  /** The exact bytes to send and sign (`{type, timestamp, data}` as JSON). */
  body: string;
  /** Every current secret of the endpoint: one `v1,` signature each. */
  secrets: readonly string[];
  timeoutMs: number;
  allowList?: AllowList | readonly string[];
  allowHttp?: boolean;
  maxResponseBytes?: number;
  /** This attempt's time (the `webhook-timestamp`); default now. */
  now?: number;
}

export interface SentWebhook {
  response: SafeResponse | SafeRequestFailure;
  durationMs: number;
}

const USER_AGENT = 'Meridian-Webhooks/1.0';

/**
 * One Standard Webhooks delivery attempt: `POST` of the body with `content-type: application/json`
 * and the three signature headers (this attempt's timestamp), through `safeRequest` (the SSRF guard
 * again on every attempt, a fresh connection to a checked address, one deadline, no redirect
 * followed). Outcomes are values, as with `safeRequest`; interpreting them is the caller's.
 */
export async function sendWebhook(input: SendWebhookInput): Promise<SentWebhook> {
  const headers = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    ...signWebhook({
      id: input.webhookId,
      timestamp: Math.floor((input.now ?? Date.now()) / 1000),
      body: input.body,
      secrets: input.secrets,
    }),
  };
  const started = performance.now();
  const response = await safeRequest(input.url, {
    method: 'POST',
    headers,
    body: input.body,
    timeoutMs: input.timeoutMs,
    maxResponseBytes: input.maxResponseBytes,
    allowList: input.allowList,
    allowHttp: input.allowHttp,
  });
  return { response, durationMs: Math.round((performance.now() - started) * 10) / 10 };
}
