/** Heartbeat errors after which the member is out of its group (or its coordinator moved): kafkajs rejoins. */
const GONE_ERRORS = new Set(['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR_FOR_GROUP']);
/** Heartbeat errors after which the member must rejoin (kafkajs's isRebalancing, and an unknown member). */
const REJOIN_ERRORS = new Set(['REBALANCE_IN_PROGRESS', ...GONE_ERRORS]);

/**
 * Heartbeats on a timer while records are in hand (ConsumerRuntime.heartbeatWhileInHand): kafkajs
 * heartbeats only when asked. One heartbeat in flight at a time; a failed one never rejects
 * anywhere, and the timer never keeps the process alive.
 *
 * It goes on through a rebalance: a heartbeat answered REBALANCE_IN_PROGRESS still keeps the
 * member's session, so the group waits for it (up to the rebalance timeout) instead of evicting it
 * while its record is in hand. With `untilGone` it ends once a heartbeat says the member is out of
 * its group.
 */
export class HeartbeatTimer {
  private readonly timer: NodeJS.Timeout;
  private sending = false;
  /** The first heartbeat error after which the member must rejoin its group. */
  membershipLost?: unknown;

  /** `onError`: each failed heartbeat, except the repeats of one that said to rejoin. */
  constructor(
    private readonly heartbeat: () => Promise<void>,
    intervalMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly untilGone: boolean,
  ) {
    this.timer = setInterval(() => this.beat(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    if (this.sending) return;
    this.sending = true;
    this.heartbeat()
      .catch((error: unknown) => {
        const type = (error as { type?: unknown } | null)?.type as string;
        const rejoin = REJOIN_ERRORS.has(type);
        if (!rejoin || this.membershipLost === undefined) this.onError(error);
        if (rejoin) this.membershipLost ??= error;
        if (this.untilGone && GONE_ERRORS.has(type)) this.stop();
      })
      .finally(() => {
        this.sending = false;
      });
  }
}
