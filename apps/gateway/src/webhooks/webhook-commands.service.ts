import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  createCloudEvent,
  TOPICS,
  WEBHOOK_COMMAND_V1,
  type WebhookCommandPayload,
} from '@meridian/contracts';
import { EventProducer } from '@meridian/kafka';
import { WebhookEndpointsService } from './webhook-endpoints.service';

const SOURCE = '/meridian/gateway';

/**
 * Operator commands for the dispatcher. Published straight to webhooks.commands.v1 (acks=all) before the
 * API answers 202: a command is a request, not state the gateway keeps, so it needs no outbox.
 */
@Injectable()
export class WebhookCommandsService {
  constructor(
    private readonly producer: EventProducer,
    private readonly endpoints: WebhookEndpointsService,
  ) {}

  resend(endpointId: string, webhookId: string): Promise<string> {
    return this.send({ command: 'resend', endpointId, webhookId });
  }

  recover(endpointId: string, since: string): Promise<string> {
    return this.send({ command: 'recover', endpointId, since });
  }

  private async send(command: Omit<WebhookCommandPayload, 'commandId' | 'requestedAt'>): Promise<string> {
    await this.endpoints.assertExists(command.endpointId);
    const commandId = randomUUID();
    const requestedAt = new Date().toISOString();
    const data: WebhookCommandPayload = { commandId, ...command, requestedAt };
    await this.producer.publish(TOPICS.webhookCommands.name, [
      {
        key: command.endpointId,
        event: createCloudEvent({
          id: commandId,
          source: SOURCE,
          type: WEBHOOK_COMMAND_V1,
          time: requestedAt,
          data,
        }),
      },
    ]);
    return commandId;
  }
}
