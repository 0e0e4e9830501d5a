import { Logger } from '@nestjs/common';
import {
  createCloudEvent,
  WEBHOOK_COMMAND_V1,
  type CloudEvent,
  type WebhookCommandPayload,
} from '@meridian/contracts';
import type { DispatchWriter, FirstAttempt } from '../delivery/dispatch.writer';
import type { MessageStore } from '../messages/message.store';
import type { MessageStatus, WebhookMessage } from '../messages/webhook-message.entity';
import { CommandsHandler } from './commands.handler';

/** What a resend does with a message in each state, with in-memory doubles (no I/O). */
describe('CommandsHandler resend', () => {
  beforeAll(() => Logger.overrideLogger(false));

  function setUp(status: MessageStatus, attempts: number) {
    const steps: string[] = [];
    const sent: FirstAttempt[] = [];
    const message = {
      webhookId: 'msg_1',
      endpointId: 'ep-1',
      eventId: 'event-1',
      integrationId: null,
      type: 'patient.admitted',
      body: JSON.stringify({ type: 'patient.admitted', timestamp: '2026-01-01T00:00:00Z', data: {} }),
      status,
      attempts,
    } as unknown as WebhookMessage;
    const store = {
      get: async () => message,
      restart: async (ids: string[]) => {
        if (ids.length > 0) steps.push('restart');
      },
    };
    const writer = {
      first: async (messages: FirstAttempt[]) => {
        if (messages.length > 0) steps.push('publish');
        sent.push(...messages);
      },
    };
    const handler = new CommandsHandler(
      store as unknown as MessageStore,
      writer as unknown as DispatchWriter,
    );
    return { handler, steps, sent };
  }

  const resend = (): CloudEvent<WebhookCommandPayload> =>
    createCloudEvent({
      source: '/meridian/gateway',
      type: WEBHOOK_COMMAND_V1,
      data: {
        commandId: 'c-1',
        command: 'resend',
        endpointId: 'ep-1',
        webhookId: 'msg_1',
        requestedAt: '2026-01-01T00:00:00Z',
      },
    });

  it.each<[MessageStatus, number]>([
    ['exhausted', 8],
    ['delivered', 1],
    ['failed', 3],
    ['pending', 0],
  ])('re-sends a %s message from attempt 1: reset first, then published', async (status, attempts) => {
    const { handler, steps, sent } = setUp(status, attempts);
    await handler.handle(resend());
    expect(steps).toEqual(['restart', 'publish']);
    expect(sent.map((m) => m.webhookId)).toEqual(['msg_1']);
  });

  it('does not re-send a message whose retry still waits in a tier (no second chain)', async () => {
    const { handler, steps, sent } = setUp('retrying', 2);
    await handler.handle(resend());
    expect(steps).toEqual([]);
    expect(sent).toHaveLength(0);
  });
});
