import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  createCloudEvent,
  SYNC_COMMAND_V1,
  TOPICS,
  type SyncCommandPayload,
  type SyncConflictPayload,
  type SyncConflictStatus,
  type SyncJobPayload,
  type SyncResolution,
} from '@meridian/contracts';
import { EventProducer } from '@meridian/kafka';
import { Integration } from '../integrations/integration.entity';
import { resolutionProblems } from './resolution-rules';
import type { SyncConflictDetail, SyncConflictView, SyncJobView } from './sync.dto';
import { SyncConflict } from './sync-conflict.entity';
import { SyncJob } from './sync-job.entity';

const SOURCE = '/meridian/gateway';

/**
 * Sync jobs and conflicts for the management API. Requests (run a job, resolve a conflict) go to the
 * orchestrator on sync.commands.v1, published before the API answers 202 (a command is a request, not
 * state the gateway keeps, so it needs no outbox). What the orchestrator reports on sync.events.v1 is
 * kept here as a read model, the highest sequence per job and per conflict winning, so replays and
 * out-of-order redeliveries never move a job or a conflict back.
 */
@Injectable()
export class SyncService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly producer: EventProducer,
  ) {}

  /** Asks for a sync job now; the job can be read at once (queued) and follows the orchestrator's events. */
  async runJob(integrationId: string, since: string | undefined, requestedBy: string): Promise<string> {
    const integration = await this.integration(integrationId);
    if (!integration.active) throw new ConflictException(`integration ${integrationId} is inactive`);
    if (!integration.synchronization.enabled) {
      throw new ConflictException(`synchronization is disabled for integration ${integrationId}`);
    }
    const jobId = randomUUID();
    const requestedAt = new Date();
    await this.send({
      commandId: randomUUID(),
      command: 'run-job',
      integrationId,
      requestedAt: requestedAt.toISOString(),
      requestedBy,
      jobId,
      ...(since !== undefined ? { since } : {}),
    });
    // Sequence 0: any event of the orchestrator's (1 and up) replaces it, whichever arrives first.
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SyncJob)
      .values({
        jobId,
        integrationId,
        trigger: 'on_demand',
        status: 'queued',
        since: since ?? null,
        watermark: null,
        counters: { fetched: 0, published: 0, skipped: 0 },
        error: null,
        requestedBy,
        createdAt: requestedAt,
        updatedAt: requestedAt,
        sequence: 0,
      })
      .orIgnore()
      .execute();
    return jobId;
  }

  /** Sends a person's decision on an open conflict to the orchestrator, which applies and audits it. */
  async resolve(conflictId: string, resolution: SyncResolution, requestedBy: string): Promise<string> {
    const conflict = await this.conflictRow(conflictId);
    if (conflict.status === 'resolved')
      throw new ConflictException(`conflict ${conflictId} is already resolved`);
    const problems = resolutionProblems(conflict.entityType, resolution);
    if (problems.length > 0) throw new BadRequestException(problems);
    const commandId = randomUUID();
    await this.send({
      commandId,
      command: 'resolve-conflict',
      integrationId: conflict.integrationId,
      requestedAt: new Date().toISOString(),
      requestedBy,
      conflictId,
      resolution: {
        action: resolution.action,
        ...(resolution.fields !== undefined ? { fields: resolution.fields } : {}),
        ...(resolution.data !== undefined ? { data: resolution.data } : {}),
        ...(resolution.note !== undefined ? { note: resolution.note } : {}),
      },
    });
    return commandId;
  }

  /** Keeps the job's event unless a later one (higher sequence) is already stored. */
  async recordJob(job: SyncJobPayload): Promise<void> {
    const values = {
      integrationId: job.integrationId,
      trigger: job.trigger,
      status: job.status,
      since: job.since ?? null,
      watermark: job.watermark ?? null,
      counters: {
        fetched: job.counters.fetched,
        published: job.counters.published,
        skipped: job.counters.skipped,
      },
      error: job.error ? { ...job.error } : null,
      createdAt: new Date(job.createdAt),
      updatedAt: new Date(job.updatedAt),
      sequence: job.sequence,
    };
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SyncJob)
      .values({ jobId: job.jobId, requestedBy: null, ...values })
      .orIgnore()
      .execute();
    await this.dataSource
      .createQueryBuilder()
      .update(SyncJob)
      .set(values)
      .where('job_id = :jobId AND sequence < :sequence', { jobId: job.jobId, sequence: job.sequence })
      .execute();
  }

  /** Keeps the conflict's event unless a later one is stored; a resolved event clears both versions. */
  async recordConflict(conflict: SyncConflictPayload): Promise<void> {
    const values = {
      integrationId: conflict.integrationId,
      entityType: conflict.entityType,
      entityId: conflict.entityId,
      reference: conflict.reference ?? null,
      status: conflict.status,
      strategy: conflict.strategy,
      detectedAt: new Date(conflict.detectedAt),
      fields: conflict.fields ?? null,
      // Both versions only while open: a resolved conflict keeps no clinical data here.
      local: conflict.status === 'open' ? (conflict.local ?? null) : null,
      external: conflict.status === 'open' ? (conflict.external ?? null) : null,
      expectedVersion: conflict.expectedVersion ?? null,
      currentVersion: conflict.currentVersion ?? null,
      resolution: conflict.resolution ? { ...conflict.resolution } : null,
      sequence: conflict.sequence,
    };
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SyncConflict)
      .values({ conflictId: conflict.conflictId, ...values })
      .orIgnore()
      .execute();
    await this.dataSource
      .createQueryBuilder()
      .update(SyncConflict)
      .set(values)
      .where('conflict_id = :conflictId AND sequence < :sequence', {
        conflictId: conflict.conflictId,
        sequence: conflict.sequence,
      })
      .execute();
  }

  /** An integration's jobs, newest first. */
  async jobs(integrationId: string, limit: number, offset: number): Promise<SyncJobView[]> {
    await this.integration(integrationId);
    const rows = await this.dataSource.getRepository(SyncJob).find({
      where: { integrationId },
      order: { createdAt: 'DESC', jobId: 'ASC' },
      take: limit,
      skip: offset,
    });
    return rows.map(jobView);
  }

  async job(jobId: string): Promise<SyncJobView> {
    const row = await this.dataSource.getRepository(SyncJob).findOneBy({ jobId });
    if (row === null) throw new NotFoundException(`sync job ${jobId} not found`);
    return jobView(row);
  }

  /** An integration's conflicts, newest first, without the two versions (GET one conflict for those). */
  async conflicts(
    integrationId: string,
    status: SyncConflictStatus | undefined,
    limit: number,
    offset: number,
  ): Promise<SyncConflictView[]> {
    await this.integration(integrationId);
    const rows = await this.dataSource.getRepository(SyncConflict).find({
      where: { integrationId, ...(status !== undefined ? { status } : {}) },
      order: { detectedAt: 'DESC', conflictId: 'ASC' },
      take: limit,
      skip: offset,
    });
    return rows.map(conflictView);
  }

  async conflict(conflictId: string): Promise<SyncConflictDetail> {
    const row = await this.conflictRow(conflictId);
    return {
      ...conflictView(row),
      ...(row.local !== null ? { local: row.local as Record<string, unknown> } : {}),
      ...(row.external !== null ? { external: row.external as Record<string, unknown> } : {}),
    };
  }

  private async conflictRow(conflictId: string): Promise<SyncConflict> {
    const row = await this.dataSource.getRepository(SyncConflict).findOneBy({ conflictId });
    if (row === null) throw new NotFoundException(`conflict ${conflictId} not found`);
    return row;
  }

  private async integration(id: string): Promise<Integration> {
    const row = await this.dataSource.getRepository(Integration).findOneBy({ id });
    if (row === null) throw new NotFoundException(`integration ${id} not found`);
    return row;
  }

  private async send(command: SyncCommandPayload): Promise<void> {
    await this.producer.publish(TOPICS.syncCommands.name, [
      {
        key: command.integrationId,
        event: createCloudEvent({
          id: command.commandId,
          source: SOURCE,
          type: SYNC_COMMAND_V1,
          time: command.requestedAt,
          subject: command.jobId ?? command.conflictId,
          integrationid: command.integrationId,
          data: command,
        }),
      },
    ]);
  }
}

function jobView(row: SyncJob): SyncJobView {
  return {
    jobId: row.jobId,
    integrationId: row.integrationId,
    trigger: row.trigger,
    status: row.status,
    ...(row.since !== null ? { since: row.since } : {}),
    ...(row.watermark !== null ? { watermark: row.watermark } : {}),
    counters: row.counters,
    ...(row.error !== null ? { error: row.error } : {}),
    ...(row.requestedBy !== null ? { requestedBy: row.requestedBy } : {}),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function conflictView(row: SyncConflict): SyncConflictView {
  return {
    conflictId: row.conflictId,
    integrationId: row.integrationId,
    entityType: row.entityType,
    entityId: row.entityId,
    ...(row.reference !== null ? { reference: row.reference } : {}),
    status: row.status,
    strategy: row.strategy,
    detectedAt: row.detectedAt.toISOString(),
    ...(row.fields !== null ? { fields: row.fields } : {}),
    ...(row.expectedVersion !== null ? { expectedVersion: row.expectedVersion } : {}),
    ...(row.currentVersion !== null ? { currentVersion: row.currentVersion } : {}),
    ...(row.resolution !== null ? { resolution: row.resolution } : {}),
  };
}
