import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  type CloudEvent,
  createCloudEvent,
  dlqTopicName,
  encodeCloudEvent,
  type ErrorSummary,
  type IntegrationLifecyclePayload,
  TOPICS,
  WEBHOOK_DELIVERY_V1,
  WEBHOOK_DISPATCH_V1,
  WEBHOOK_REQUESTED_V1,
  type WebhookDeliveryOutcome,
  type WebhookDeliveryPayload,
  type WebhookDispatchPayload,
  type WebhookEndpointPayload,
  type WebhookRequestedPayload,
} from '@meridian/contracts';
import {
  buildDeadLetter,
  DUE_AT_HEADER,
  type EventContext,
  EventProducer,
  PermanentError,
  safeErrorMessage,
  TransientError,
} from '@meridian/kafka';
import { LifecyclePublisher, SERVICE_CONFIG, SERVICE_SETTINGS, type ServiceConfig } from '@meridian/platform';
import { CircuitBreakers, CircuitOpenError } from '@meridian/resilience';
import { parseAllowList } from '@meridian/security';
import type { KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { EndpointSecrets, EndpointSecretsError } from '../endpoints/endpoint-secrets';
import { WebhookEndpointView } from '../endpoints/webhook-endpoint.view';
import { MessageStore } from '../messages/message.store';
import {
  type EndpointDisabledData,
  isOperationalType,
  type MessageExhaustedData,
  OPERATIONAL_EVENT_TYPES,
} from '../operational/operational-events';
import type { WebhookDispatcherSettings } from '../webhook-dispatcher.settings';
import { EndpointRateLimiter } from './endpoint-rate-limiter';
import { RetrySchedule } from './retry-schedule';
import { SOURCE, STEPS } from './steps';
import { recordAttempt, webhookMetrics, type WebhookMetrics } from './webhook-metrics';
import { type AttemptResult, WebhookSender } from './webhook-sender';

/** The exact bytes sent and signed: `{type, timestamp, data}` in that order. */
export const webhookBody = (message: Pick<WebhookDispatchPayload, 'type' | 'timestamp' | 'data'>): string =>
  JSON.stringify({ type: message.type, timestamp: message.timestamp, data: message.data });

/** A failed attempt that speaks of the partner's health: thrown inside the breaker so it counts. */
class PartnerFailure extends TransientError {
  override readonly name = 'PartnerFailure';
  constructor(readonly result: AttemptResult) {
    super('the partner failed the attempt');
  }
}

/** The record that goes to the DLQ when the schedule is used up. */
class DeliveryExhaustedError extends PermanentError {
  override readonly name = 'DeliveryExhaustedError';
}

/**
 * Breakers per endpoint: a window longer than a 15 s timeout, so a hanging partner's timeouts add
 * up, and 3 failed attempts in it are enough to open (a dead partner then costs nothing per attempt).
 */
const BREAKER_WINDOW_MS = 120_000;
const BREAKER_VOLUME = 3;

/**
 * One delivery attempt of one message (a record of webhooks.dispatch.v1 or of a retry tier) and
 * what follows from its outcome:
 * - 2xx: delivered; the endpoint's failing clock stops.
 * - 410: the endpoint is disabled (a `disabled` delivery record the gateway acts on, a lifecycle step).
 * - anything else: the next attempt goes to the retry tier of its delay with its due time (no
 *   earlier than a 429/503's Retry-After); after the last one, the record goes to
 *   `webhooks.dispatch.v1.dlq` and `exhausted` is told; an endpoint failing for
 *   WEBHOOK_DISABLE_AFTER_MS with no success is disabled.
 * Every attempt is published to webhooks.deliveries.v1 (the gateway's delivery log) BEFORE the
 * attempt is recorded in `webhook_message`: if Kafka fails, the runtime retries the record and the
 * attempt check (`attempts ≥` the record's attempt) does not yet skip it, so no outcome goes
 * unreported (the gateway's log ignores a repeated attempt). Attempts go
 * through the endpoint's circuit breaker, so a dead partner fails fast (the attempt counts, as a
 * `CircuitOpen` failure, and the message moves on through its schedule).
 */
@Injectable()
export class DeliveryService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('WebhookDelivery');
  readonly sender: WebhookSender;
  readonly schedule: RetrySchedule;
  readonly breakers: CircuitBreakers;
  private readonly metrics: WebhookMetrics;
  /** Endpoint → the highest configuration version the dispatcher disabled. */
  private readonly disabled = new Map<string, number>();
  private readonly groupId: string;
  private readonly limiter = new EndpointRateLimiter();

  constructor(
    private readonly endpoints: WebhookEndpointView,
    private readonly secrets: EndpointSecrets,
    private readonly store: MessageStore,
    private readonly producer: EventProducer,
    private readonly lifecycle: LifecyclePublisher,
    @Inject(SERVICE_SETTINGS) private readonly settings: WebhookDispatcherSettings,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(Registry) registry: Registry,
  ) {
    this.sender = new WebhookSender({
      timeoutMs: settings.WEBHOOK_TIMEOUT_MS,
      allowList: parseAllowList(settings.OUTBOUND_ALLOW_LIST),
      allowHttp: settings.OUTBOUND_ALLOW_HTTP,
    });
    this.schedule = new RetrySchedule(settings.WEBHOOK_RETRY_DELAYS_MS, settings.WEBHOOK_RETRY_JITTER);
    this.metrics = webhookMetrics(registry);
    this.breakers = new CircuitBreakers({
      metrics: registry,
      defaults: {
        volumeThreshold: BREAKER_VOLUME,
        rollingCountTimeoutMs: BREAKER_WINDOW_MS,
        resetTimeoutMs: settings.WEBHOOK_BREAKER_RESET_MS,
      },
      onStateChange: (endpointId, from, to) =>
        this.logger.log({ msg: 'endpoint circuit breaker changed state', endpointId, from, to }),
    });
    this.groupId = `meridian.${config.service}.dispatch`;
  }

  get consumerGroup(): string {
    return this.groupId;
  }

  async onModuleInit(): Promise<void> {
    for (const state of await this.store.allEndpointStates()) {
      if (state.disabledVersion !== null) this.disabled.set(state.endpointId, state.disabledVersion);
    }
  }

  onApplicationShutdown(): void {
    this.breakers.shutdown();
  }

  /** Active, and not disabled by the dispatcher at this version or a later one. */
  isDeliverable(endpoint: WebhookEndpointPayload | undefined): endpoint is WebhookEndpointPayload {
    if (!endpoint || !endpoint.active) return false;
    const disabledAt = this.disabled.get(endpoint.endpointId);
    return disabledAt === undefined || endpoint.version > disabledAt;
  }

  async deliver(event: CloudEvent<WebhookDispatchPayload>, context: EventContext): Promise<void> {
    await this.endpoints.loaded;
    const message = event.data;
    // First: a record of an attempt already made (a crash, a rebalance) changes nothing, whatever
    // has happened to the endpoint since.
    const stored = await this.store.get(message.webhookId);
    if (stored && stored.attempts >= message.attempt) {
      this.logger.log({
        msg: 'attempt already made',
        webhookId: message.webhookId,
        attempt: message.attempt,
      });
      return;
    }
    const endpoint = this.endpoints.get(message.endpointId);
    if (!this.isDeliverable(endpoint)) {
      // Kept as failed, so `recover` can send it once the endpoint is enabled again; a message
      // already delivered (or failed, exhausted) keeps its status.
      await this.store.failUnfinished(message.webhookId);
      this.logger.warn({
        msg: 'message not sent: the endpoint is deleted, inactive or disabled',
        webhookId: message.webhookId,
        endpointId: message.endpointId,
      });
      return;
    }
    if (endpoint.rateLimitPerSecond !== undefined) {
      const waitMs = this.limiter.take(endpoint.endpointId, endpoint.rateLimitPerSecond);
      if (waitMs > 0) {
        // Over the endpoint's rate: the same attempt, due when a token is free, through a retry tier.
        await this.requeue(event, message.attempt, new Date(Date.now() + waitMs), context);
        return;
      }
    }
    const result = await this.attempt(endpoint, message);
    const attemptedAt = new Date();
    const correlationId = context.headers.ce_correlationid ?? message.eventId;

    // In each branch: what follows from the outcome is published first, the attempt recorded last.
    if (result.kind === 'delivered') {
      await this.report(message, result, 'delivered', correlationId);
      await this.store.succeeded(endpoint.endpointId);
      await this.store.attempted(message.webhookId, message.attempt, 'delivered', result.statusCode);
      return;
    }
    if (result.kind === 'gone') {
      await this.disable(endpoint, message, result, 'gone', correlationId);
      return;
    }
    const failingSince = await this.store.failing(endpoint.endpointId);
    if (attemptedAt.getTime() - failingSince.getTime() >= this.settings.WEBHOOK_DISABLE_AFTER_MS) {
      await this.disable(endpoint, message, result, 'failing', correlationId);
      return;
    }
    if (message.attempt < this.schedule.maxAttempts) {
      const next = message.attempt + 1;
      const dueAt = new Date(attemptedAt.getTime() + this.schedule.delayBefore(next, result.retryAfterMs));
      await this.requeue(event, next, dueAt, context, message.firstAttemptAt ?? attemptedAt.toISOString());
      await this.report(message, result, 'failed', correlationId, dueAt);
      await this.store.attempted(message.webhookId, message.attempt, 'retrying', result.statusCode);
      return;
    }
    await this.deadLetter(event, context, result);
    await this.report(message, result, 'exhausted', correlationId);
    await this.announceExhausted(message, correlationId, event.id);
    await this.store.attempted(message.webhookId, message.attempt, 'exhausted', result.statusCode);
    this.step(message, correlationId, STEPS.exhausted, 'failed', {
      class: 'AttemptsExhausted',
      message: `all ${this.schedule.maxAttempts} attempts failed; the message is in the DLQ`,
      retryable: false,
    });
  }

  /** Signs and sends through the endpoint's breaker; never throws for what the partner did. */
  private async attempt(
    endpoint: WebhookEndpointPayload,
    message: WebhookDispatchPayload,
  ): Promise<AttemptResult> {
    let secrets: string[];
    try {
      secrets = this.secrets.current(endpoint);
    } catch (error) {
      if (!(error instanceof EndpointSecretsError)) throw error;
      this.logger.error({ msg: 'cannot sign', endpointId: endpoint.endpointId, error: error.message });
      return {
        kind: 'failed',
        durationMs: 0,
        breakerFailure: false,
        error: { class: 'EndpointSecretsError', message: error.message, retryable: true },
      };
    }
    const request = { url: endpoint.url, webhookId: message.webhookId, body: webhookBody(message), secrets };
    try {
      return await this.breakers.run(endpoint.endpointId, async () => {
        const result = await this.sender.send(request);
        if (result.breakerFailure) throw new PartnerFailure(result);
        return result;
      });
    } catch (error) {
      if (error instanceof PartnerFailure) return error.result;
      if (error instanceof CircuitOpenError) {
        return {
          kind: 'failed',
          durationMs: 0,
          breakerFailure: false,
          error: {
            class: 'CircuitOpen',
            message: "the endpoint's circuit breaker is open: the attempt was not made",
            retryable: true,
          },
        };
      }
      throw error;
    }
  }

  /**
   * The message's attempt `attempt`, due at `dueAt`, on the retry tier that fits the wait (see
   * RetrySchedule): the tier's consumer holds it until due.
   */
  private async requeue(
    event: CloudEvent<WebhookDispatchPayload>,
    attempt: number,
    dueAt: Date,
    context: EventContext,
    firstAttemptAt = event.data.firstAttemptAt,
  ): Promise<void> {
    const message = event.data;
    const data: WebhookDispatchPayload = { ...message, attempt, dueAt: dueAt.toISOString(), firstAttemptAt };
    const encoded = encodeCloudEvent(
      createCloudEvent({
        source: SOURCE,
        type: WEBHOOK_DISPATCH_V1,
        integrationid: message.integrationId,
        correlationid: context.headers.ce_correlationid,
        causationid: event.id,
        data,
      }),
    );
    await this.producer.sendRaw(this.schedule.topicFor(dueAt.getTime() - Date.now()), [
      {
        key: message.endpointId,
        value: encoded.value,
        headers: { ...encoded.headers, [DUE_AT_HEADER]: data.dueAt as string },
      },
    ]);
  }

  /** The record as it was consumed (re-encoded), with the dlq.* headers, to webhooks.dispatch.v1.dlq. */
  private async deadLetter(
    event: CloudEvent<WebhookDispatchPayload>,
    context: EventContext,
    result: AttemptResult,
  ): Promise<void> {
    const encoded = encodeCloudEvent(event);
    const message: KafkaMessage = {
      key: Buffer.from(event.data.endpointId),
      value: encoded.value,
      headers: encoded.headers,
      offset: context.offset,
      timestamp: String(Date.now()),
      attributes: 0,
    };
    const { record } = buildDeadLetter({
      topic: context.topic,
      partition: context.partition,
      message,
      consumerGroup: this.groupId,
      stage: 'handle',
      attempts: event.data.attempt,
      error: new DeliveryExhaustedError(
        `all ${event.data.attempt} attempts failed; the last: ${result.error?.message ?? 'unknown'}`,
      ),
    });
    await this.producer.sendRaw(dlqTopicName(TOPICS.webhookDispatch.name), [record]);
  }

  private async disable(
    endpoint: WebhookEndpointPayload,
    message: WebhookDispatchPayload,
    result: AttemptResult,
    reason: 'gone' | 'failing',
    correlationId: string,
  ): Promise<void> {
    const why =
      reason === 'gone'
        ? 'the endpoint answered 410 Gone'
        : 'the endpoint has failed for longer than the disable period with no success';
    // Told before it is stored: once stored, a retried record would find the endpoint not
    // deliverable and the gateway would never hear of it.
    await this.report(message, result, 'disabled', correlationId, undefined, {
      class: reason === 'gone' ? 'EndpointGone' : 'EndpointFailing',
      message: `${why}: it is disabled`,
      retryable: false,
    });
    await this.announce(
      OPERATIONAL_EVENT_TYPES.endpointDisabled,
      `endpoint.disabled:${endpoint.endpointId}:${endpoint.version}`,
      { endpointId: endpoint.endpointId, version: endpoint.version, reason } satisfies EndpointDisabledData,
      correlationId,
    );
    await this.store.disable(endpoint.endpointId, endpoint.version, reason);
    this.disabled.set(endpoint.endpointId, endpoint.version);
    await this.store.attempted(message.webhookId, message.attempt, 'failed', result.statusCode);
    this.logger.warn({ msg: 'endpoint disabled', endpointId: endpoint.endpointId, reason });
    this.step(message, correlationId, STEPS.endpointDisabled, 'failed', {
      class: reason === 'gone' ? 'EndpointGone' : 'EndpointFailing',
      message: why,
      retryable: false,
    });
  }

  /**
   * `message.attempt.exhausted` for partners' operations endpoints. Its event id is the same for a
   * redelivered last attempt (the chain's `firstAttemptAt`) and new for a later chain after a resend,
   * so fan-out dedupes the one and announces the other. A message that is itself operational
   * announces nothing (no chain of announcements between dead endpoints).
   */
  private async announceExhausted(
    message: WebhookDispatchPayload,
    correlationId: string,
    causationId: string,
  ): Promise<void> {
    if (isOperationalType(message.type)) return;
    const data: MessageExhaustedData = {
      webhookId: message.webhookId,
      endpointId: message.endpointId,
      eventType: message.type,
      attempts: message.attempt,
    };
    await this.announce(
      OPERATIONAL_EVENT_TYPES.exhausted,
      `message.attempt.exhausted:${message.webhookId}:${message.firstAttemptAt ?? causationId}`,
      data,
      correlationId,
    );
  }

  /** An operational event on webhooks.outbound.v1, keyed by the endpoint it is about; fan-out addresses it. */
  private async announce(
    type: string,
    eventId: string,
    data: MessageExhaustedData | EndpointDisabledData,
    correlationId: string,
  ): Promise<void> {
    const requested: WebhookRequestedPayload = {
      eventId,
      type,
      timestamp: new Date().toISOString(),
      data: { ...data },
    };
    await this.producer.publish(TOPICS.webhooksOutbound.name, [
      {
        key: data.endpointId,
        event: createCloudEvent({
          source: SOURCE,
          type: WEBHOOK_REQUESTED_V1,
          correlationid: correlationId,
          data: requested,
        }),
      },
    ]);
  }

  /** The attempt on webhooks.deliveries.v1, keyed by webhook-id; metrics; the per-attempt lifecycle step. */
  private async report(
    message: WebhookDispatchPayload,
    result: AttemptResult,
    outcome: WebhookDeliveryOutcome,
    correlationId: string,
    nextAttemptAt?: Date,
    error: ErrorSummary | undefined = result.error,
  ): Promise<void> {
    const delivery: WebhookDeliveryPayload = {
      webhookId: message.webhookId,
      integrationId: message.integrationId,
      endpointId: message.endpointId,
      type: message.type,
      attempt: message.attempt,
      outcome,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      nextAttemptAt: nextAttemptAt?.toISOString(),
      error,
      responseBody: result.responseBody,
    };
    await this.producer.publish(TOPICS.webhookDeliveries.name, [
      {
        key: message.webhookId,
        event: createCloudEvent({
          source: SOURCE,
          type: WEBHOOK_DELIVERY_V1,
          integrationid: message.integrationId,
          correlationid: correlationId,
          data: withoutUndefined(delivery),
        }),
      },
    ]);
    recordAttempt(this.metrics, outcome, result.statusCode, result.durationMs);
    this.logger.log({
      msg: 'webhook attempt',
      webhookId: message.webhookId,
      endpointId: message.endpointId,
      attempt: message.attempt,
      outcome,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
    });
    const statuses: Record<WebhookDeliveryOutcome, IntegrationLifecyclePayload['status']> = {
      delivered: 'completed',
      failed: 'retrying',
      exhausted: 'failed',
      disabled: 'failed',
    };
    this.step(message, correlationId, STEPS.deliver, statuses[outcome], result.error, result.durationMs);
  }

  /** Lifecycle steps are per integration: events about none have none. Best effort: the delivery record is the log. */
  private step(
    message: WebhookDispatchPayload,
    correlationId: string,
    step: string,
    status: IntegrationLifecyclePayload['status'],
    error?: ErrorSummary,
    durationMs?: number,
  ): void {
    if (!message.integrationId) return;
    this.lifecycle
      .publish(
        withoutUndefined({
          integrationId: message.integrationId,
          correlationId,
          status,
          step,
          attempt: message.attempt,
          durationMs,
          error,
        }),
      )
      .catch((failure: unknown) =>
        this.logger.warn({ msg: 'lifecycle step not published', step, error: safeErrorMessage(failure) }),
      );
  }
}

/** For the delivery log's readers; what is unknown is absent rather than null. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
