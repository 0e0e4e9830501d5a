import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/** The orchestrator's environment; see apps/orchestrator/README.md. */
export class OrchestratorSettings {
  /**
   * How often an EHR integration that syncs in `real_time` and reads its EHR (direction `inbound` or
   * `bidirectional`) is polled for changes (`_lastUpdated` since the last pull). 0 turns polling off.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  SYNC_POLL_INTERVAL_SECONDS = 300;

  /** A job still queued or running after this long is taken to have died; a new one may start. */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  SYNC_JOB_STALE_SECONDS = 1800;

  /**
   * Days a finished command (succeeded, failed, superseded) is kept: its bundle is clinical data
   * (PHI). Commands still in flight or held behind a conflict are kept whatever their age.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  SYNC_COMMAND_RETENTION_DAYS = 30;
}
