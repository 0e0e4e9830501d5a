import { WEBHOOK_ALL_EVENT_TYPES, type WebhookEndpointPayload } from '@meridian/contracts';

/**
 * Events the dispatcher itself announces to partners about the delivery of webhooks (CONVENTIONS:
 * "then the DLQ and a `message.attempt.exhausted` event"; an endpoint disabled). They go through
 * webhooks.outbound.v1 and fan-out like any event, with two rules that keep a dead endpoint from
 * feeding itself:
 * - only an endpoint that subscribes to the type exactly gets it (`*` means every business event,
 *   not these), and never the endpoint the event is about;
 * - the exhaustion of a message that is itself operational announces nothing.
 */
export const OPERATIONAL_EVENT_TYPES = {
  exhausted: 'message.attempt.exhausted',
  endpointDisabled: 'endpoint.disabled',
} as const;

/** Every type under these prefixes is operational, the two above and any added later. */
const OPERATIONAL_PREFIXES = ['message.', 'endpoint.'];

export const isOperationalType = (type: string): boolean =>
  OPERATIONAL_PREFIXES.some((prefix) => type.startsWith(prefix));

/** `data` of `message.attempt.exhausted`: ids only. */
export interface MessageExhaustedData {
  webhookId: string;
  endpointId: string;
  eventType: string;
  attempts: number;
}

/** `data` of `endpoint.disabled`: ids only. */
export interface EndpointDisabledData {
  endpointId: string;
  version: number;
  reason: 'gone' | 'failing';
}

/** Whether fan-out sends an event of `type` (with its `data`) to `endpoint`. */
export function subscribes(
  endpoint: Pick<WebhookEndpointPayload, 'endpointId' | 'active' | 'eventTypes'>,
  type: string,
  data: Record<string, unknown>,
): boolean {
  if (!endpoint.active) return false;
  if (!isOperationalType(type)) {
    return endpoint.eventTypes.includes(type) || endpoint.eventTypes.includes(WEBHOOK_ALL_EVENT_TYPES);
  }
  return endpoint.eventTypes.includes(type) && data.endpointId !== endpoint.endpointId;
}
