import { Logger } from '@nestjs/common';

const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** Rows a service forgets after a while (PHI it no longer needs, bookkeeping that cannot come back). */
export interface RetentionRule {
  /** What goes, for logs: a table (and column), never data. */
  what: string;
  /** How long rows are kept, in milliseconds. */
  keepMs: number;
  /** Deletes (or blanks) what was written before `before`; resolves to how many rows. */
  prune(before: Date): Promise<number>;
}

/**
 * Applies retention rules once shortly after start and then every hour. A failed prune is logged
 * and tried again at the next run; it never stops the service.
 */
export class RetentionSchedule {
  private readonly logger = new Logger('Retention');
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly rules: readonly RetentionRule[],
    private readonly everyMs = HOUR_MS,
  ) {}

  start(): void {
    const first = setTimeout(() => void this.run(), 10_000);
    const every = setInterval(() => void this.run(), this.everyMs);
    first.unref();
    every.unref();
    this.timers = [first, every];
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }

  /** One pass over every rule; resolves to how many rows each removed (`what` → count). */
  async run(now = Date.now()): Promise<Record<string, number>> {
    const removed: Record<string, number> = {};
    for (const rule of this.rules) {
      try {
        removed[rule.what] = await rule.prune(new Date(now - rule.keepMs));
        if (removed[rule.what] > 0) {
          this.logger.log({ msg: 'retention applied', what: rule.what, rows: removed[rule.what] });
        }
      } catch (error) {
        this.logger.warn({
          msg: 'retention could not be applied; tried again at the next run',
          what: rule.what,
          error: error instanceof Error ? error.name : typeof error,
        });
      }
    }
    return removed;
  }
}
