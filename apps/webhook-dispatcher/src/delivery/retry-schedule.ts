import { RETRY_TIER_DELAY_MS, retryTopicName, TOPICS, type RetryTier } from '@meridian/contracts';

/**
 * A tier holds records whose wait is up to this much over its delay (the schedule's jitter, a
 * Retry-After a little longer than the delay): a tier's partition is paused until its head is due,
 * so records that wait much longer than the tier's delay would hold up the records behind them.
 */
const TIER_TOLERANCE = 1.25;

/**
 * CONVENTIONS.md's retry schedule (the waits before attempts 2, 3, …, with jitter) and where each
 * wait is parked: on the smallest retry tier of webhooks.dispatch.v1 (5s, 5m, 30m, 2h, 5h, 10h) whose
 * delay, with TIER_TOLERANCE, covers it. A record is due by its own time (`retry.due.at`), never
 * earlier; in a tier, no record waits much longer than the tier's delay, so none holds up the
 * records behind it for more than that (a short wait, e.g. a rate-limit deferral, behind a full
 * one may run up to one tier delay late: "no earlier than" still holds).
 */
export class RetrySchedule {
  private readonly tiers: { tier: RetryTier; delayMs: number }[];

  /** @param delaysMs waits before attempts 2, 3, … (1 to 7 entries). */
  constructor(
    private readonly delaysMs: readonly number[],
    private readonly jitter: number,
    private readonly random: () => number = Math.random,
  ) {
    if (delaysMs.length < 1 || delaysMs.length > 7) throw new RangeError('a schedule has 1 to 7 delays');
    this.tiers = (TOPICS.webhookDispatch.retryTiers ?? [])
      .map((tier) => ({ tier, delayMs: RETRY_TIER_DELAY_MS[tier] }))
      .sort((a, b) => a.delayMs - b.delayMs);
  }

  /** Attempts in all, the first included. */
  get maxAttempts(): number {
    return this.delaysMs.length + 1;
  }

  /** The longest wait a record may be given: Retry-After beyond it is cut to it (no tier holds longer). */
  get maxWaitMs(): number {
    return Math.floor((this.tiers.at(-1)?.delayMs ?? 0) * TIER_TOLERANCE);
  }

  /**
   * The wait before `nextAttempt` (2 for the first retry), lengthened by up to `jitter` of itself
   * at random, and never shorter than what the endpoint asked for with Retry-After (up to maxWaitMs).
   */
  delayBefore(nextAttempt: number, retryAfterMs?: number): number {
    const base = this.delaysMs[nextAttempt - 2];
    if (base === undefined) throw new RangeError(`attempt ${nextAttempt} is past the schedule`);
    const jittered = Math.round(base * (1 + this.jitter * this.random()));
    return Math.min(Math.max(jittered, retryAfterMs ?? 0), Math.max(jittered, this.maxWaitMs));
  }

  /** Where a record that waits `waitMs` goes: `webhooks.dispatch.v1.retry-<tier>`. */
  topicFor(waitMs: number): string {
    const fitting = this.tiers.find(({ delayMs }) => waitMs <= delayMs * TIER_TOLERANCE) ?? this.tiers.at(-1);
    if (!fitting) throw new Error('webhooks.dispatch.v1 declares no retry tiers');
    return retryTopicName(TOPICS.webhookDispatch.name, fitting.tier);
  }
}
