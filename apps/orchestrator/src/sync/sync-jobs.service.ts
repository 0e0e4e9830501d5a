import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, MoreThan, type Repository } from 'typeorm';
import {
  type CommandResultPayload,
  createCloudEvent,
  EHR_PULL_V1,
  type EhrPullPayload,
  type IntegrationConfigPayload,
  TOPICS,
} from '@meridian/contracts';
import { uuidV5 } from '@meridian/hl7-fhir';
import { EventProducer } from '@meridian/kafka';
import { IntegrationConfigView, quotedTable, SERVICE_SETTINGS } from '@meridian/platform';
import type { OrchestratorSettings } from '../orchestrator.settings';
import { SOURCE, SyncEventsPublisher } from './sync-events.publisher';
import { SyncCursor, SyncJob, type JobTrigger } from './sync.entities';

export interface JobRequest {
  jobId: string;
  integrationId: string;
  trigger: JobTrigger;
  /** Overrides the integration's cursor. */
  since?: string;
}

/**
 * How long a queued job belongs to the replica that inserted it: starting it is one publish and one
 * update, so a job still queued after this was left by a replica that died, and another takes it.
 */
export const JOB_CLAIM_LEASE_MS = 30_000;

/** Resource types pulled when the integration names none. */
const DEFAULT_PULL_TYPES = ['Patient'];

/**
 * Sync jobs: one pull of an integration's changes since its cursor. A job is a row (status and
 * counters, each change also an event on sync.events.v1 for the gateway's API) and a pull command to
 * the EHR adapter; the adapter's answer completes it and moves the cursor. Job ids come from the
 * caller (the API's, or one derived from the schedule tick), so a repeated request is one job, and
 * several orchestrator replicas ticking together start it once: the one whose insert made the row.
 */
@Injectable()
export class SyncJobsService {
  private readonly logger = new Logger('SyncJobs');

  constructor(
    @InjectRepository(SyncJob) private readonly jobs: Repository<SyncJob>,
    @InjectRepository(SyncCursor) private readonly cursors: Repository<SyncCursor>,
    private readonly configs: IntegrationConfigView,
    private readonly producer: EventProducer,
    private readonly events: SyncEventsPublisher,
    @Inject(SERVICE_SETTINGS) private readonly settings: OrchestratorSettings,
  ) {}

  /** Starts the job unless it exists; a scheduled or polling tick is skipped while another job of the integration runs. */
  async run(request: JobRequest): Promise<SyncJob | undefined> {
    if (request.trigger !== 'on_demand' && (await this.isBusy(request.integrationId))) return undefined;
    const now = new Date();
    const job: SyncJob = {
      jobId: request.jobId,
      integrationId: request.integrationId,
      trigger: request.trigger,
      status: 'queued',
      since: null,
      watermark: null,
      counters: { fetched: 0, published: 0, skipped: 0 },
      error: null,
      createdAt: now,
      updatedAt: now,
      sequence: 1,
    };
    const inserted = await this.jobs
      .createQueryBuilder()
      .insert()
      .values(job)
      .orIgnore()
      .returning(['jobId'])
      .execute();
    // Whoever inserts the row owns the job (another replica ticking at the same time does not).
    if ((inserted.raw as unknown[]).length === 0) {
      const existing = await this.jobs.findOneByOrFail({ jobId: request.jobId });
      if (existing.status !== 'queued') return existing;
      // Still queued: its owner is starting it, or died between the row and the pull. Only a claim
      // older than its lease is taken over, and by one replica: the update is the claim.
      const taken = await this.jobs
        .createQueryBuilder()
        .update()
        .set({ updatedAt: now, sequence: () => 'sequence + 1' })
        .where('job_id = :jobId AND status = :queued AND updated_at < :stale', {
          jobId: request.jobId,
          queued: 'queued',
          stale: new Date(now.getTime() - JOB_CLAIM_LEASE_MS),
        })
        .execute();
      if (taken.affected !== 1) return existing;
      return this.start({ ...existing, updatedAt: now, sequence: existing.sequence + 1 }, request.since);
    }
    return this.start(job, request.since);
  }

  /** The adapter's answer to a pull. */
  async onResult(result: CommandResultPayload): Promise<void> {
    if (result.jobId === undefined) return;
    const job = await this.jobs.findOneBy({ jobId: result.jobId });
    if (job === null) return;
    if (job.status === 'completed' || job.status === 'failed') {
      // A repeat, or a retry after the event failed to go out: tell it again (same event id).
      await this.events.job(job);
      return;
    }
    // `queued` too: a fast adapter can answer before the job is marked running.
    job.status = result.outcome === 'succeeded' ? 'completed' : 'failed';
    if (result.counters) job.counters = result.counters;
    if (result.watermark) job.watermark = new Date(result.watermark);
    if (result.error) job.error = result.error;
    job.updatedAt = new Date();
    job.sequence += 1;
    await this.jobs.save(job);
    if (job.status === 'completed' && job.watermark !== null) {
      // The cursor only moves forward, whatever order answers come in.
      await this.cursors.query(
        `INSERT INTO ${this.cursorTable} (integration_id, watermark) VALUES ($1, $2)
         ON CONFLICT (integration_id) DO UPDATE SET watermark = GREATEST(${this.cursorTable}.watermark, EXCLUDED.watermark)`,
        [job.integrationId, job.watermark],
      );
    }
    await this.events.job(job);
  }

  private async start(job: SyncJob, since?: string): Promise<SyncJob> {
    const integration = this.configs.get(job.integrationId);
    const problem = pullProblem(integration);
    if (problem !== undefined || integration === undefined) {
      return this.finish(job, 'failed', {
        class: 'not-pullable',
        message: problem ?? 'unknown',
        retryable: false,
      });
    }
    const cursor = await this.cursors.findOneBy({ integrationId: job.integrationId });
    const from = since !== undefined ? new Date(since) : (cursor?.watermark ?? null);
    const pull: EhrPullPayload = {
      jobId: job.jobId,
      integrationId: job.integrationId,
      resourceTypes: integration.synchronization.resourceTypes?.length
        ? integration.synchronization.resourceTypes
        : DEFAULT_PULL_TYPES,
      ...(from === null ? {} : { since: from.toISOString() }),
      requestedAt: new Date().toISOString(),
    };
    await this.producer.publish(TOPICS.ehrCommands.name, [
      {
        key: job.integrationId,
        event: createCloudEvent({
          id: uuidV5(`pull\u001f${job.jobId}`),
          source: SOURCE,
          type: EHR_PULL_V1,
          integrationid: job.integrationId,
          correlationid: job.jobId,
          data: pull,
        }),
      },
    ]);
    // Only a job still queued becomes running: the answer may already have completed it.
    const updatedAt = new Date();
    const started = await this.jobs.update(
      { jobId: job.jobId, status: 'queued' },
      { since: from, status: 'running', updatedAt, sequence: job.sequence + 1 },
    );
    if (started.affected !== 1) return this.jobs.findOneByOrFail({ jobId: job.jobId });
    Object.assign(job, { since: from, status: 'running', updatedAt, sequence: job.sequence + 1 });
    await this.events.job(job);
    this.logger.log({
      msg: 'sync job started',
      jobId: job.jobId,
      integrationId: job.integrationId,
      trigger: job.trigger,
    });
    return job;
  }

  private async finish(
    job: SyncJob,
    status: 'failed',
    error: NonNullable<SyncJob['error']>,
  ): Promise<SyncJob> {
    job.status = status;
    job.error = error;
    job.updatedAt = new Date();
    job.sequence += 1;
    await this.jobs.save(job);
    await this.events.job(job);
    return job;
  }

  private async isBusy(integrationId: string): Promise<boolean> {
    const since = new Date(Date.now() - this.settings.SYNC_JOB_STALE_SECONDS * 1000);
    const running = await this.jobs.countBy({
      integrationId,
      status: In(['queued', 'running']),
      updatedAt: MoreThan(since),
    });
    return running > 0;
  }

  private get cursorTable(): string {
    return quotedTable(this.cursors.metadata);
  }
}

/** Why changes cannot be pulled from this integration, if they cannot; PHI-free. */
export function pullProblem(integration: IntegrationConfigPayload | undefined): string | undefined {
  if (integration === undefined) return 'the integration is not configured';
  if (!integration.active) return 'the integration is inactive';
  if (!integration.synchronization.enabled) return 'synchronization is disabled';
  if (integration.synchronization.direction === 'outbound') {
    return 'the integration only receives data (direction outbound); nothing is pulled from it';
  }
  if (integration.systemType !== 'ehr' || integration.connection.type !== 'fhir') {
    return 'only FHIR EHR integrations can be pulled';
  }
  return undefined;
}
