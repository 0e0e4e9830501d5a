import { KafkaJSProtocolError } from 'kafkajs';
import { HeartbeatTimer } from './heartbeat-timer';

/** The error kafkajs raises for a heartbeat the coordinator answered with `type`. */
function answered(type: string, code: number): KafkaJSProtocolError {
  return new KafkaJSProtocolError(Object.assign(new Error(type), { type, code, retriable: false }));
}

describe('HeartbeatTimer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('heartbeats every interval until stopped, and not after', async () => {
    let beats = 0;
    const timer = new HeartbeatTimer(
      async () => void beats++,
      1_000,
      () => undefined,
      true,
    );
    await jest.advanceTimersByTimeAsync(3_500);
    expect(beats).toBe(3);
    timer.stop();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(beats).toBe(3);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps one heartbeat in flight at a time', async () => {
    let beats = 0;
    const timer = new HeartbeatTimer(
      () => {
        beats++;
        return new Promise<void>(() => undefined);
      },
      1_000,
      () => undefined,
      true,
    );
    await jest.advanceTimersByTimeAsync(5_000);
    timer.stop();
    expect(beats).toBe(1);
  });

  it('goes on through a rebalance (the heartbeats keep the session), remembering it and reporting it once', async () => {
    const rebalance = answered('REBALANCE_IN_PROGRESS', 27);
    let beats = 0;
    const reported: unknown[] = [];
    const timer = new HeartbeatTimer(
      async () => {
        beats++;
        throw rebalance;
      },
      1_000,
      (error) => reported.push(error),
      true,
    );
    await jest.advanceTimersByTimeAsync(3_500);
    timer.stop();
    expect(beats).toBe(3);
    expect(timer.membershipLost).toBe(rebalance);
    expect(reported).toEqual([rebalance]);
  });

  it('ends once the member is out of its group, unless told to go on', async () => {
    const gone = answered('UNKNOWN_MEMBER_ID', 25);
    const counts = { untilGone: 0, always: 0 };
    const untilGone = new HeartbeatTimer(
      async () => {
        counts.untilGone++;
        throw gone;
      },
      1_000,
      () => undefined,
      true,
    );
    const always = new HeartbeatTimer(
      async () => {
        counts.always++;
        throw gone;
      },
      1_000,
      () => undefined,
      false,
    );
    await jest.advanceTimersByTimeAsync(3_500);
    always.stop();
    expect(counts).toEqual({ untilGone: 1, always: 3 });
    expect(untilGone.membershipLost).toBe(gone);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('reports other failures (a dropped connection) and goes on, without taking them for a lost membership', async () => {
    const dropped = new Error('Connection closed');
    let beats = 0;
    const reported: unknown[] = [];
    const timer = new HeartbeatTimer(
      async () => {
        if (++beats === 1) throw dropped;
      },
      1_000,
      (error) => reported.push(error),
      true,
    );
    await jest.advanceTimersByTimeAsync(2_500);
    timer.stop();
    expect(beats).toBe(2);
    expect(reported).toEqual([dropped]);
    expect(timer.membershipLost).toBeUndefined();
  });
});
