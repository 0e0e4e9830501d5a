import { Injectable } from '@nestjs/common';
import {
  createCloudEvent,
  TOPICS,
  WEBHOOK_DISPATCH_V1,
  type WebhookDispatchPayload,
} from '@meridian/contracts';
import { EventProducer } from '@meridian/kafka';
import { SOURCE } from './steps';

/** A message to send from its first attempt: a fan-out, a re-send, a recovery. */
export type FirstAttempt = Omit<WebhookDispatchPayload, 'attempt' | 'firstAttemptAt' | 'dueAt'>;

/** Writes first attempts to webhooks.dispatch.v1, keyed by endpoint, in one acknowledged send. */
@Injectable()
export class DispatchWriter {
  constructor(private readonly producer: EventProducer) {}

  async first(
    messages: FirstAttempt[],
    trace: { correlationId?: string; causationId?: string },
  ): Promise<void> {
    if (messages.length === 0) return;
    await this.producer.publish(
      TOPICS.webhookDispatch.name,
      messages.map((message) => ({
        key: message.endpointId,
        event: createCloudEvent({
          source: SOURCE,
          type: WEBHOOK_DISPATCH_V1,
          integrationid: message.integrationId,
          correlationid: trace.correlationId,
          causationid: trace.causationId,
          data: { ...message, attempt: 1 } satisfies WebhookDispatchPayload,
        }),
      })),
    );
  }
}
