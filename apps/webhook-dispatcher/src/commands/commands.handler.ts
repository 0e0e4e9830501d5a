import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type CloudEvent, TOPICS, type WebhookCommandPayload } from '@meridian/contracts';
import { PermanentError } from '@meridian/kafka';
import { DispatchWriter, type FirstAttempt } from '../delivery/dispatch.writer';
import { MessageStore } from '../messages/message.store';
import type { WebhookMessage } from '../messages/webhook-message.entity';

/**
 * webhooks.commands.v1 (from the management API):
 * - `resend`: the message goes out again from attempt 1, with the same `webhook-id` (the partner
 *   may dedupe it); a message unknown for that endpoint is a permanent error (→ DLQ, with the reason);
 *   a message whose retry is still waiting in a tier (`retrying`) is not re-sent (logged and
 *   skipped): restarted, the parked retry would pass the attempt check and run its own schedule
 *   beside the new attempt 1, two chains and duplicate deliveries;
 * - `recover`: every `failed` or `exhausted` message of the endpoint created since `since`, likewise.
 * The rows are reset (`pending`, no attempt) before the first attempts are published, so an attempt
 * 1 never meets the old attempt count and is skipped; if publishing fails, the command is retried
 * and `recover` also selects pending rows with no attempt, so none stays pending unsent.
 */
@Controller()
export class CommandsHandler {
  private readonly logger = new Logger('WebhookCommands');

  constructor(
    private readonly store: MessageStore,
    private readonly writer: DispatchWriter,
  ) {}

  @EventPattern(TOPICS.webhookCommands.name)
  async handle(@Payload() event: CloudEvent<WebhookCommandPayload>): Promise<void> {
    const command = event.data;
    const messages =
      command.command === 'resend' ? await this.resendable(command) : await this.recoverable(command);
    await this.store.restart(messages.map((message) => message.webhookId));
    await this.writer.first(messages.map(firstAttempt), {
      correlationId: command.commandId,
      causationId: event.id,
    });
    this.logger.log({
      msg: 'webhook command applied',
      commandId: command.commandId,
      command: command.command,
      endpointId: command.endpointId,
      messages: messages.length,
    });
  }

  private async resendable(command: WebhookCommandPayload): Promise<WebhookMessage[]> {
    const message = await this.store.get(command.webhookId as string);
    if (!message || message.endpointId !== command.endpointId) {
      throw new PermanentError(
        `resend: no message ${command.webhookId} for endpoint ${command.endpointId} in the dispatcher`,
      );
    }
    if (message.status === 'retrying' || (message.status === 'pending' && message.attempts > 0)) {
      this.logger.warn({
        msg: 'resend skipped: the message is still being retried on its schedule',
        commandId: command.commandId,
        webhookId: message.webhookId,
        attempts: message.attempts,
      });
      return [];
    }
    return [message];
  }

  private recoverable(command: WebhookCommandPayload): Promise<WebhookMessage[]> {
    return this.store.failedSince(command.endpointId, new Date(command.since as string));
  }
}

function firstAttempt(message: WebhookMessage): FirstAttempt {
  const body = JSON.parse(message.body) as Pick<FirstAttempt, 'type' | 'timestamp' | 'data'>;
  return {
    webhookId: message.webhookId,
    endpointId: message.endpointId,
    eventId: message.eventId,
    integrationId: message.integrationId ?? undefined,
    type: body.type,
    timestamp: body.timestamp,
    data: body.data,
  };
}
