import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { quotedTable } from '@meridian/platform';
import type { Repository } from 'typeorm';
import { EndpointState } from './endpoint-state.entity';
import { WebhookMessage, type MessageStatus } from './webhook-message.entity';

export interface NewMessage {
  webhookId: string;
  endpointId: string;
  eventId: string;
  integrationId?: string;
  type: string;
  body: string;
}

/** A message's row as fan-out found it: new, or already there from an earlier delivery of the event. */
export interface RecordedMessage {
  webhookId: string;
  status: MessageStatus;
  inserted: boolean;
}

/** The dispatcher's messages and endpoint states in Postgres (its own schema). */
@Injectable()
export class MessageStore {
  constructor(
    @InjectRepository(WebhookMessage) private readonly messages: Repository<WebhookMessage>,
    @InjectRepository(EndpointState) private readonly states: Repository<EndpointState>,
  ) {}

  /**
   * Inserts the messages of one event; a message already there (the event was delivered again) is
   * left as it is and reported with its status, so fan-out does not dispatch it a second time.
   */
  async record(messages: NewMessage[]): Promise<RecordedMessage[]> {
    if (messages.length === 0) return [];
    const values: unknown[] = [];
    const rows = messages.map((m, i) => {
      values.push(m.webhookId, m.endpointId, m.eventId, m.integrationId ?? null, m.type, m.body);
      const at = i * 6;
      return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6}, 'pending', 0)`;
    });
    const result: { webhook_id: string; status: MessageStatus; inserted: boolean }[] =
      await this.messages.query(
        `INSERT INTO ${quotedTable(this.messages.metadata)} AS m
         (webhook_id, endpoint_id, event_id, integration_id, type, body, status, attempts)
       VALUES ${rows.join(', ')}
       ON CONFLICT (webhook_id) DO UPDATE SET webhook_id = m.webhook_id
       RETURNING webhook_id, status, (xmax = 0) AS inserted`,
        values,
      );
    return result.map((row) => ({ webhookId: row.webhook_id, status: row.status, inserted: row.inserted }));
  }

  get(webhookId: string): Promise<WebhookMessage | null> {
    return this.messages.findOneBy({ webhookId });
  }

  async attempted(
    webhookId: string,
    attempt: number,
    status: MessageStatus,
    statusCode: number | undefined,
  ): Promise<void> {
    await this.messages.update(
      { webhookId },
      { attempts: attempt, status, lastStatusCode: statusCode ?? null, updatedAt: new Date() },
    );
  }

  /**
   * Marks a message that is still on its way (`pending`, `retrying`) `failed`; one already
   * delivered, failed or exhausted keeps its status (a late redelivered record must not turn a
   * delivered message into one `recover` would send again).
   */
  async failUnfinished(webhookId: string): Promise<void> {
    await this.messages
      .createQueryBuilder()
      .update()
      .set({ status: 'failed', updatedAt: new Date() })
      .where('webhook_id = :webhookId', { webhookId })
      .andWhere(`status IN ('pending', 'retrying')`)
      .execute();
  }

  /**
   * The endpoint's messages to recover, created at or after `since`, oldest first: `failed` and
   * `exhausted` ones, and `pending` ones with no attempt made (a command restarted them and then
   * failed to publish them, or fan-out's first attempt is still queued: sent again, the attempt is
   * recognised as made and skipped, so neither is sent twice).
   */
  failedSince(endpointId: string, since: Date): Promise<WebhookMessage[]> {
    return this.messages
      .createQueryBuilder('m')
      .where('m.endpoint_id = :endpointId', { endpointId })
      .andWhere(`(m.status IN ('failed', 'exhausted') OR (m.status = 'pending' AND m.attempts = 0))`)
      .andWhere('m.created_at >= :since', { since })
      .orderBy('m.created_at', 'ASC')
      .getMany();
  }

  /** A re-send starts the message over: pending, no attempt made. */
  async restart(webhookIds: string[]): Promise<void> {
    if (webhookIds.length === 0) return;
    await this.messages
      .createQueryBuilder()
      .update()
      .set({ status: 'pending', attempts: 0, updatedAt: new Date() })
      .whereInIds(webhookIds)
      .execute();
  }

  allEndpointStates(): Promise<EndpointState[]> {
    return this.states.find();
  }

  /** Records a failure; returns since when the endpoint has been failing (this failure's time if it was not). */
  async failing(endpointId: string): Promise<Date> {
    const [row]: { first_failure_at: Date }[] = await this.states.query(
      `INSERT INTO ${quotedTable(this.states.metadata)} AS s (endpoint_id, first_failure_at, updated_at)
       VALUES ($1, now(), now())
       ON CONFLICT (endpoint_id) DO UPDATE
         SET first_failure_at = COALESCE(s.first_failure_at, now()), updated_at = now()
       RETURNING first_failure_at`,
      [endpointId],
    );
    return new Date(row.first_failure_at);
  }

  async succeeded(endpointId: string): Promise<void> {
    await this.states.update({ endpointId }, { firstFailureAt: null, updatedAt: new Date() });
  }

  async disable(endpointId: string, version: number, reason: 'gone' | 'failing'): Promise<void> {
    await this.states.upsert(
      {
        endpointId,
        disabledVersion: version,
        disabledReason: reason,
        firstFailureAt: null,
        updatedAt: new Date(),
      },
      ['endpointId'],
    );
  }
}
