import { retryTopicName, TOPICS, type RetryTier } from '@meridian/contracts';

/**
 * The retry tier topic of each attempt after the first (CONVENTIONS.md's schedule: 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h, 10 h; the last two share a tier). A record's own due time, not its tier,
 * decides when it runs, so a shortened schedule (tests) or a longer Retry-After still goes through
 * the tier of its attempt number.
 */
const TIER_OF_ATTEMPT: readonly RetryTier[] = ['5s', '5m', '30m', '2h', '5h', '10h', '10h'];

export class RetrySchedule {
  /** @param delaysMs waits before attempts 2, 3, … (1 to 7 entries). */
  constructor(
    private readonly delaysMs: readonly number[],
    private readonly jitter: number,
    private readonly random: () => number = Math.random,
  ) {
    if (delaysMs.length < 1 || delaysMs.length > TIER_OF_ATTEMPT.length) {
      throw new RangeError(`a schedule has 1 to ${TIER_OF_ATTEMPT.length} delays`);
    }
  }

  /** Attempts in all, the first included. */
  get maxAttempts(): number {
    return this.delaysMs.length + 1;
  }

  /**
   * The wait before `nextAttempt` (2 for the first retry), lengthened by up to `jitter` of itself
   * at random, and never shorter than what the endpoint asked for with Retry-After.
   */
  delayBefore(nextAttempt: number, retryAfterMs?: number): number {
    const base = this.delaysMs[nextAttempt - 2];
    if (base === undefined) throw new RangeError(`attempt ${nextAttempt} is past the schedule`);
    const jittered = Math.round(base * (1 + this.jitter * this.random()));
    return Math.max(jittered, retryAfterMs ?? 0);
  }

  /** Where the record for `nextAttempt` goes: `webhooks.dispatch.v1.retry-<tier>`. */
  topicFor(nextAttempt: number): string {
    const tier = TIER_OF_ATTEMPT[nextAttempt - 2];
    if (tier === undefined) throw new RangeError(`attempt ${nextAttempt} is past the schedule`);
    return retryTopicName(TOPICS.webhookDispatch.name, tier);
  }
}
