import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { safeErrorMessage } from '@meridian/resilience';
import { ConsumerRuntime, HoldPartition, type ConsumerRuntimeOptions } from './consumer-runtime';
import type { HeartbeatTimer } from './heartbeat-timer';

/**
 * When a record may be processed (RFC 3339); absent = now. Written by whoever re-produces a record
 * to a retry topic; the KeyedConsumer holds the partition until then.
 */
export const DUE_AT_HEADER = 'retry.due.at';

export interface KeyedConsumerOptions extends ConsumerRuntimeOptions {
  /** Records of one partition handed out but not finished, at most; the partition pauses above it. Default 200. */
  maxInFlightPerPartition?: number;
  /** How long `stop()` waits for records in hand before leaving them uncommitted. Default 20 s. */
  drainTimeoutMs?: number;
}

interface PartitionState {
  /** The next offset to hand out; records below it were handed out already (a re-fetch skips them). */
  next: bigint;
  inFlight: Set<bigint>;
  committed: bigint;
  committing?: Promise<void>;
  dirty: boolean;
  backpressured: boolean;
}

/** No `DUE_AT_HEADER`: due now. */
const NO_DUE = Number.NaN;
/** A record whose processing threw (a DLQ write not acknowledged, a rebalance) is tried again after this. */
const LANE_RETRY_MS = 1_000;

/**
 * A consumer for work whose duration the platform does not control (an HTTP call to a partner): the
 * records of a partition are processed concurrently across keys and in order within a key, and the
 * batch is not waited for, so one slow key never holds up another key, another partition or the
 * fetch loop (kafkajs fetches again only once every batch of the last fetch returned).
 *
 * Each record gets the ConsumerRuntime's treatment (decode, validate, bounded retries, DLQ). Offsets
 * are committed up to the lowest record still in hand, so nothing unfinished is ever committed; a
 * crash redelivers what was in hand (at least once). A record carrying `DUE_AT_HEADER` in the future
 * pauses its partition until it is due (a retry topic: records are due in order), without blocking
 * other partitions and without a sleeping handler. `maxInFlightPerPartition` bounds the memory a
 * backlog takes.
 */
export class KeyedConsumer extends ConsumerRuntime {
  private readonly partitions = new Map<string, PartitionState>();
  /** `topic|partition|key` → the tail of that key's chain of records. */
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly maxInFlight: number;
  /** Records handed out and not finished (queued behind their key or running). */
  private inHand = 0;
  /** Runs while any record is in hand, with the latest batch's heartbeat. */
  private beats?: HeartbeatTimer;
  private heartbeat: () => Promise<void> = async () => undefined;

  constructor(private readonly keyed: KeyedConsumerOptions) {
    super(keyed);
    this.maxInFlight = keyed.maxInFlightPerPartition ?? 200;
  }

  /** Records handed out and not finished, over every partition. */
  get inFlight(): number {
    let count = 0;
    for (const state of this.partitions.values()) count += state.inFlight.size;
    return count;
  }

  /** Stop fetching, let the records in hand finish (bounded), commit them, leave the group. */
  override async stop(): Promise<void> {
    if (this.state === 'running') {
      this.consumer.pause(this.topics.map((topic) => ({ topic })));
      const drained = Promise.allSettled([...this.lanes.values()]);
      const timeout = sleep(this.keyed.drainTimeoutMs ?? 20_000, undefined, { ref: false });
      await Promise.race([drained, timeout]);
      await Promise.allSettled([...this.partitions.entries()].map(([id, state]) => this.commit(id, state)));
    }
    await super.stop();
    // Records the drain timeout left in hand heartbeat no more: the member has left.
    this.beats?.stop();
  }

  /**
   * A record was handed out: while any is in hand, heartbeat every heartbeat interval. The fetch
   * loop heartbeats too, but only between fetches; this timer never stops for a failed heartbeat
   * (the fetch loop rejoins, and the records in hand go on).
   */
  private holdRecord(heartbeat: () => Promise<void>): void {
    this.heartbeat = heartbeat;
    if (this.inHand++ === 0) {
      this.beats = this.heartbeatWhileInHand(() => this.heartbeat(), 'records are', false);
    }
  }

  private releaseRecord(): void {
    if (--this.inHand === 0) {
      this.beats?.stop();
      this.beats = undefined;
    }
  }

  protected override async processBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload) {
    const { topic, partition } = batch;
    const id = `${topic}|${partition}`;
    const state = this.stateOf(id, batch.messages[0]?.offset);
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.state !== 'running') break;
      const offset = BigInt(message.offset);
      if (offset < state.next) {
        // Handed out before (a re-fetch after a rebalance or a seek): running or done already.
        resolveOffset(message.offset);
        continue;
      }
      const due = dueAt(message);
      if (!Number.isNaN(due) && due > Date.now()) {
        this.hold(topic, partition, message.offset, due - Date.now());
        break;
      }
      if (state.inFlight.size >= this.maxInFlight) {
        this.backpressure(topic, partition, state, message.offset);
        break;
      }
      state.next = offset + 1n;
      state.inFlight.add(offset);
      this.enqueue(topic, partition, message, state, id, heartbeat);
      resolveOffset(message.offset);
    }
  }

  private stateOf(id: string, firstOffset: string | undefined): PartitionState {
    let state = this.partitions.get(id);
    if (!state) {
      const start = firstOffset === undefined ? 0n : BigInt(firstOffset);
      state = { next: start, inFlight: new Set(), committed: start, dirty: false, backpressured: false };
      this.partitions.set(id, state);
    }
    return state;
  }

  private enqueue(
    topic: string,
    partition: number,
    message: KafkaMessage,
    state: PartitionState,
    id: string,
    heartbeat: () => Promise<void>,
  ): void {
    const lane = `${id}|${message.key?.toString('utf8') ?? ''}`;
    const previous = this.lanes.get(lane) ?? Promise.resolve();
    this.holdRecord(heartbeat);
    const run = previous.then(async () => {
      try {
        await this.runRecord(topic, partition, message);
        state.inFlight.delete(BigInt(message.offset));
        if (state.backpressured && state.inFlight.size <= this.maxInFlight / 2) {
          state.backpressured = false;
          if (this.state === 'running') this.consumer.resume([{ topic, partitions: [partition] }]);
        }
        this.commit(id, state).catch(() => undefined);
      } finally {
        this.releaseRecord();
      }
    });
    this.lanes.set(lane, run);
    void run.finally(() => {
      if (this.lanes.get(lane) === run) this.lanes.delete(lane);
    });
  }

  /**
   * Never rejects: a record whose processing throws is tried again until it settles or the consumer
   * stops. Its handler's `context.heartbeat()` does nothing: the record is not the batch's to leave
   * (the heartbeat timer and the fetch loop keep the membership).
   */
  private async runRecord(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const noHeartbeat = async (): Promise<void> => undefined;
    for (;;) {
      try {
        await this.processRecord(topic, partition, message, noHeartbeat);
        return;
      } catch (error) {
        if (this.state !== 'running' && this.state !== 'stopping') return;
        const wait = error instanceof HoldPartition ? error.delayMs : LANE_RETRY_MS;
        this.logger.warn(
          `${topic}[${partition}]@${message.offset} will be tried again in ${wait} ms: ${safeErrorMessage(error)}`,
        );
        await sleep(wait, undefined, { ref: false });
      }
    }
  }

  private backpressure(topic: string, partition: number, state: PartitionState, offset: string): void {
    state.backpressured = true;
    this.consumer.pause([{ topic, partitions: [partition] }]);
    this.consumer.seek({ topic, partition, offset });
  }

  /** Commits up to the lowest record in hand (or everything handed out when none is). One commit at a time per partition. */
  private async commit(id: string, state: PartitionState): Promise<void> {
    if (state.committing) {
      state.dirty = true;
      return state.committing;
    }
    const low = state.inFlight.size === 0 ? state.next : minOf(state.inFlight);
    if (low <= state.committed) return;
    const [topic, partition] = splitId(id);
    state.committing = this.consumer
      .commitOffsets([{ topic, partition, offset: low.toString() }])
      .then(
        () => {
          state.committed = low;
        },
        (error: unknown) => {
          // A partition revoked in a rebalance: its new owner reads from the last commit (at least once).
          this.logger.debug(`commit of ${id} at ${low} failed: ${safeErrorMessage(error)}`);
        },
      )
      .finally(() => {
        state.committing = undefined;
      });
    await state.committing;
    if (state.dirty) {
      state.dirty = false;
      await this.commit(id, state);
    }
  }
}

function dueAt(message: KafkaMessage): number {
  const header = message.headers?.[DUE_AT_HEADER];
  const text = Array.isArray(header) ? header[0]?.toString() : header?.toString();
  return text === undefined ? NO_DUE : Date.parse(text);
}

function minOf(offsets: Set<bigint>): bigint {
  let low: bigint | undefined;
  for (const offset of offsets) if (low === undefined || offset < low) low = offset;
  return low ?? 0n;
}

function splitId(id: string): [string, number] {
  const at = id.lastIndexOf('|');
  return [id.slice(0, at), Number(id.slice(at + 1))];
}
