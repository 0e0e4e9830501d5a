import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Cron } from 'croner';
import type { IntegrationConfigPayload } from '@meridian/contracts';
import { uuidV5 } from '@meridian/hl7-fhir';
import { IntegrationConfigView, SERVICE_SETTINGS } from '@meridian/platform';
import type { OrchestratorSettings } from '../orchestrator.settings';
import { pullProblem, SyncJobsService } from './sync-jobs.service';
import type { JobTrigger } from './sync.entities';

/** What starts an integration's jobs on their own: its cron, or the polling interval. */
export function scheduleOf(
  integration: IntegrationConfigPayload,
  pollIntervalSeconds: number,
):
  | { trigger: 'scheduled'; cron: string; timeZone: string }
  | { trigger: 'polling'; everySeconds: number }
  | undefined {
  if (pullProblem(integration) !== undefined) return undefined;
  const sync = integration.synchronization;
  if (sync.frequency === 'scheduled' && sync.cron !== undefined) {
    return { trigger: 'scheduled', cron: sync.cron, timeZone: sync.timeZone ?? 'UTC' };
  }
  if (sync.frequency === 'real_time' && pollIntervalSeconds > 0) {
    return { trigger: 'polling', everySeconds: pollIntervalSeconds };
  }
  return undefined;
}

/**
 * One timer per integration that pulls on its own, rebuilt whenever its configuration changes. Every
 * replica keeps the same timers; a tick's job id is derived from the integration and the tick's time,
 * so the replicas' ticks are one job (the first to insert it starts it).
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SyncScheduler');
  private readonly timers = new Map<string, { signature: string; stop: () => void }>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly configs: IntegrationConfigView,
    private readonly jobs: SyncJobsService,
    @Inject(SERVICE_SETTINGS) private readonly settings: OrchestratorSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.configs.onChange((integrationId, config) =>
      this.reconcile(integrationId, config),
    );
    void this.configs.loaded.then(() => {
      for (const config of this.configs.all()) this.reconcile(config.integrationId, config);
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    for (const timer of this.timers.values()) timer.stop();
    this.timers.clear();
  }

  private reconcile(integrationId: string, config: IntegrationConfigPayload | undefined): void {
    const schedule = config && scheduleOf(config, this.settings.SYNC_POLL_INTERVAL_SECONDS);
    const signature = schedule === undefined ? '' : JSON.stringify(schedule);
    const current = this.timers.get(integrationId);
    if (current?.signature === signature) return;
    current?.stop();
    this.timers.delete(integrationId);
    if (schedule === undefined) return;
    const tick = (trigger: JobTrigger, at: Date) =>
      this.jobs
        .run({
          jobId: uuidV5(`${integrationId}\u001f${trigger}\u001f${at.toISOString()}`),
          integrationId,
          trigger,
        })
        .catch((error: unknown) =>
          this.logger.warn({
            msg: 'scheduled sync job did not start',
            integrationId,
            error: (error as Error).message,
          }),
        );
    if (schedule.trigger === 'scheduled') {
      const cron = new Cron(schedule.cron, { timezone: schedule.timeZone, protect: true }, (job: Cron) => {
        void tick('scheduled', job.currentRun() ?? new Date());
      });
      this.timers.set(integrationId, { signature, stop: () => cron.stop() });
    } else {
      const everyMs = schedule.everySeconds * 1000;
      const timer = setInterval(
        () => void tick('polling', new Date(Math.floor(Date.now() / everyMs) * everyMs)),
        everyMs,
      );
      timer.unref();
      this.timers.set(integrationId, { signature, stop: () => clearInterval(timer) });
    }
    this.logger.log({ msg: 'sync schedule set', integrationId, trigger: schedule.trigger });
  }
}
