import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { WebhookDeliveryOutcome, WebhookDeliveryPayload } from '@meridian/contracts';
import type { WebhookAttemptView } from './webhook-endpoint.dto';
import { WebhookAttempt } from './webhook-attempt.entity';

export interface DeliveryFilter {
  webhookId?: string;
  outcome?: WebhookDeliveryOutcome;
  since?: Date;
}

/** The delivery log read model, built from webhooks.deliveries.v1. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores one delivery record; a redelivered record (same webhook, endpoint, attempt, outcome) is ignored. */
  async record(delivery: WebhookDeliveryPayload, attemptedAt: Date): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(WebhookAttempt)
      .values({
        endpointId: delivery.endpointId,
        webhookId: delivery.webhookId,
        integrationId: delivery.integrationId ?? null,
        type: delivery.type ?? null,
        attempt: delivery.attempt,
        outcome: delivery.outcome,
        statusCode: delivery.statusCode ?? null,
        durationMs: delivery.durationMs ?? null,
        nextAttemptAt: delivery.nextAttemptAt === undefined ? null : new Date(delivery.nextAttemptAt),
        error: delivery.error ?? null,
        responseBody: delivery.responseBody ?? null,
        attemptedAt,
      })
      .orIgnore()
      .execute();
  }

  /** An endpoint's attempts, newest first. */
  async list(
    endpointId: string,
    filter: DeliveryFilter,
    limit: number,
    offset: number,
  ): Promise<WebhookAttemptView[]> {
    const query = this.dataSource
      .getRepository(WebhookAttempt)
      .createQueryBuilder('a')
      .where('a.endpoint_id = :endpointId', { endpointId });
    if (filter.webhookId !== undefined) query.andWhere('a.webhook_id = :webhookId', filter);
    if (filter.outcome !== undefined) query.andWhere('a.outcome = :outcome', filter);
    if (filter.since !== undefined) query.andWhere('a.attempted_at >= :since', filter);
    const rows = await query
      .orderBy('a.attempted_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .take(limit)
      .skip(offset)
      .getMany();
    return rows.map(toView);
  }

  /** Every attempt of one message, to whichever endpoint, in order. */
  async attemptsOf(webhookId: string): Promise<WebhookAttemptView[]> {
    const rows = await this.dataSource
      .getRepository(WebhookAttempt)
      .find({ where: { webhookId }, order: { attempt: 'ASC', id: 'ASC' } });
    return rows.map(toView);
  }
}

function toView(row: WebhookAttempt): WebhookAttemptView {
  return {
    webhookId: row.webhookId,
    endpointId: row.endpointId,
    ...(row.integrationId === null ? {} : { integrationId: row.integrationId }),
    ...(row.type === null ? {} : { type: row.type }),
    attempt: row.attempt,
    outcome: row.outcome,
    ...(row.statusCode === null ? {} : { statusCode: row.statusCode }),
    ...(row.durationMs === null ? {} : { durationMs: row.durationMs }),
    ...(row.nextAttemptAt === null ? {} : { nextAttemptAt: row.nextAttemptAt.toISOString() }),
    ...(row.error === null ? {} : { error: row.error }),
    ...(row.responseBody === null ? {} : { responseBody: row.responseBody }),
    attemptedAt: row.attemptedAt.toISOString(),
  };
}
