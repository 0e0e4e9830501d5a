import { Logger } from '@nestjs/common';
import {
  decodeCloudEvent,
  dlqTopicName,
  eventTypeOf,
  headersToStrings,
  topicDefinitionByName,
  validateEvent,
  type CloudEvent,
  type DlqStage,
  type TopicDefinition,
} from '@meridian/contracts';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildDeadLetter } from './dead-letter';
import { REDRIVE_GROUP_HEADER } from './dead-letter-redrive';
import {
  backoffDelayMs,
  classifyError,
  errorClassName,
  PermanentError,
  RetryLaterError,
  safeErrorMessage,
  type RetryPolicy,
} from '@meridian/resilience';
import type { EventProducer } from './event-producer';
import { HeartbeatTimer } from './heartbeat-timer';
import type { KafkaMetrics } from './kafka-metrics';

/** What a handler knows about the record it is given. */

/** 4 attempts, waiting ~100 ms, ~500 ms and ~2 s between them (CONVENTIONS.md), with equal jitter. */
export const HANDLER_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  backoff: 'exponential',
  baseDelayMs: 100,
  multiplier: 5,
  maxDelayMs: 2_000,
};

export interface EventContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  /** 1 on the first try, 2 on the first retry, ... */
  attempt: number;
  /** Keeps the group membership alive during long work (kafkajs has no background heartbeat). */
  heartbeat(): Promise<void>;
}

export type EventHandler = (event: CloudEvent, context: EventContext) => Promise<void>;

export interface ConsumerRuntimeOptions {
  kafka: Kafka;
  producer: EventProducer;
  groupId: string;
  /** Topic → handler. */
  handlers: ReadonlyMap<string, EventHandler>;
  retry?: RetryPolicy;
  metrics?: KafkaMetrics;
  /** How long the group waits for a member that stopped heartbeating (killed) before handing its partitions over. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /**
   * How long a fetch waits for records (kafkajs maxWaitTimeInMs, default 1 s); also how soon a held
   * partition is fetched again, and, as an idle member heartbeats after each fetch, how long it may
   * take to hear of a rebalance.
   */
  maxWaitTimeMs?: number;
  /** Partitions processed at once; records of one partition are always processed in order. */
  partitionsConsumedConcurrently?: number;
  fromBeginning?: boolean;
}

export type ConsumerState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

type FailedOutcome = { ok: false; stage: DlqStage; error: unknown; attempts: number };
type Outcome = { ok: true; skipped?: boolean } | FailedOutcome;

const HEARTBEAT_SLICE_MS = 1_000;
/** The longest pause between two restarts of a consumer that keeps crashing. */
const RESTART_MAX_DELAY_MS = 30_000;

/**
 * A member killed without leaving its group (SIGKILL, OOM) holds its partitions until this passes
 * without a heartbeat, and a member started meanwhile waits as long to be let in. 10 s: a few
 * seconds of stall, yet ten heartbeats of slack for a busy event loop (the broker's floor,
 * group.min.session.timeout.ms, is 6 s). See README.md.
 */
export const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
/** Under a third of the session timeout (Kafka's rule), so a lost heartbeat or two is no eviction. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;
/**
 * An idle member heartbeats after each empty fetch, and a heartbeat sent meanwhile waits behind the
 * fetch on the broker's connection: a fetch waits about one heartbeat interval, not kafkajs's 5 s.
 */
const DEFAULT_MAX_WAIT_TIME_MS = 1_000;

/**
 * Runs a consumer group over registered handlers with the platform's delivery rules:
 * decode and validate the CloudEvent (failures → DLQ at stage deserialize / validate), call the
 * handler, retry transient failures a bounded number of times, send permanent failures and
 * exhausted retries to `<topic>.dlq`, and commit a partition's offset only after every record
 * up to it succeeded or was acknowledged by the DLQ. Records of one partition are processed one
 * after another, so per-key order holds.
 */
export class ConsumerRuntime {
  protected readonly logger: Logger;
  protected readonly consumer: Consumer;
  private readonly retry: RetryPolicy;
  protected state: ConsumerState = 'idle';
  /** Registry entries of the subscribed topics, looked up once rather than per record. */
  private readonly definitions: Map<string, TopicDefinition | undefined>;
  /** Let into the group (GROUP_JOIN) and not crashed since. */
  private inGroup = false;
  /** Crashed; kafkajs, or else the runtime, restarts it (not ready until it is back in its group). */
  private restarting = false;
  /**
   * Records whose outcome is known but whose DLQ write failed: when kafkajs hands the batch back,
   * they go straight to the DLQ again instead of running the handler (and its side effects) twice.
   */
  private readonly pendingDeadLetters = new Map<string, FailedOutcome>();
  /** Set by stop(): from then on the consumer is never restarted. */
  private stopRequested = false;
  /** A restart after a crash kafkajs does not restart itself (restartLater). */
  private restartTimer?: NodeJS.Timeout;

  constructor(protected readonly options: ConsumerRuntimeOptions) {
    this.logger = new Logger(`Consumer:${options.groupId}`);
    this.retry = options.retry ?? HANDLER_RETRY_POLICY;
    this.definitions = new Map(this.topics.map((topic) => [topic, topicDefinitionByName(topic)]));
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      heartbeatInterval: this.heartbeatIntervalMs,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? DEFAULT_MAX_WAIT_TIME_MS,
      allowAutoTopicCreation: false,
      // kafkajs restarts a crashed consumer on a timer that a disconnect racing the crash (or the
      // restart's own reconnect) does not cancel: once stopping, a crash ends it for good, and a
      // restart that rejoins anyway is disconnected, so no consumer outlives its service.
      retry: { retries: 10, restartOnFailure: () => Promise.resolve(!this.stopRequested) },
    });
    const { GROUP_JOIN, CRASH, STOP } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, () => {
      this.inGroup = true;
      this.restarting = false;
      if (this.stopRequested) void this.consumer.disconnect().catch(() => undefined);
    });
    this.consumer.on(CRASH, ({ payload }) => {
      this.inGroup = false;
      // restart=true: kafkajs rejoins by itself. false: kafkajs gives up on errors it does not take
      // for retriable, some of which a broker outage produces (the group coordinator not found);
      // the runtime restarts it then, until it is stopping (then it is gone on purpose).
      this.restarting = !this.stopRequested;
      this.logger.error(`consumer crashed (${errorClassName(payload.error)}), restart=${payload.restart}`);
      if (!payload.restart && !this.stopRequested) this.restartLater(1);
    });
    this.consumer.on(STOP, () => {
      this.inGroup = false;
    });
  }

  get groupId(): string {
    return this.options.groupId;
  }

  get topics(): string[] {
    return [...this.options.handlers.keys()];
  }

  /**
   * Ready = connected, subscribed and running, and not crashed: in its group or waiting to be let
   * in. Being let in is not required: after a member of the group was killed, the group lets a new
   * member in only once the killed one's session expired, and the service is fine meanwhile (the
   * partitions are the group's to hand out). A crash makes it unready until it is back in its group.
   */
  get isReady(): boolean {
    return this.state === 'running' && !this.restarting;
  }

  /** In its group: the group let it in (GROUP_JOIN) and it has not crashed or stopped since. */
  get joined(): boolean {
    return this.inGroup;
  }

  /** For readiness details: `in-group`, `joining` (running, not let in yet), `restarting` (crashed, kafkajs restarts it) or the state. */
  get membership(): string {
    if (this.state !== 'running') return this.state;
    if (this.restarting) return 'restarting';
    return this.inGroup ? 'in-group' : 'joining';
  }

  get status(): ConsumerState {
    return this.state;
  }

  /**
   * Connects, subscribes and starts consuming. Resolves without waiting to be let into the group
   * (`joined` says when): kafkajs's `run()` resolves only then, which after a member was killed
   * takes up to its session timeout.
   */
  async start(): Promise<void> {
    this.state = 'starting';
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: this.options.fromBeginning ?? true });
    // kafkajs handles the join's failures itself (CRASH, restart); run() rejects only if misused.
    this.consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
        eachBatch: (payload) => this.processBatch(payload),
      })
      .catch((error: unknown) => {
        if (!this.stopRequested) this.state = 'crashed';
        this.logger.error(`consumer failed to run (${errorClassName(error)}): ${safeErrorMessage(error)}`);
      });
    this.state = 'running';
  }

  /** Graceful: stop fetching, finish the record in hand, commit what finished, leave the group. */
  /** After a crash kafkajs does not restart: start again, with a growing pause while it fails. */
  private restartLater(attempt: number): void {
    const delayMs = Math.min(RESTART_MAX_DELAY_MS, 1_000 * 2 ** (attempt - 1));
    this.restartTimer = setTimeout(() => {
      if (this.stopRequested) return;
      this.start().then(
        () => this.logger.warn(`consumer started again after a crash (attempt ${attempt})`),
        (error: unknown) => {
          this.logger.error(`consumer could not start again (${errorClassName(error)}); trying later`);
          if (!this.stopRequested) this.restartLater(attempt + 1);
        },
      );
    }, delayMs);
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    clearTimeout(this.restartTimer);
    if (this.state === 'stopped' || this.state === 'idle') return;
    this.state = 'stopping';
    await this.consumer.disconnect();
    this.state = 'stopped';
  }

  protected async processBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
    commitOffsetsIfNecessary,
  }: EachBatchPayload) {
    const { topic, partition } = batch;
    let lastDone: string | undefined;
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale() || this.state === 'stopping') break;
        const beats = this.heartbeatWhileInHand(heartbeat, `${topic}[${partition}]@${message.offset} is`);
        try {
          await this.processRecord(topic, partition, message, heartbeat);
        } catch (error) {
          if (!(error instanceof HoldPartition)) throw error;
          this.hold(topic, partition, message.offset, error.delayMs);
          break;
        } finally {
          beats.stop();
        }
        resolveOffset(message.offset);
        lastDone = message.offset;
        // The group changed while the record was in hand: its outcome stands (committed below, while
        // the group still accepts this generation's commits), and the batch is left so kafkajs rejoins.
        if (beats.membershipLost !== undefined) throw beats.membershipLost;
        await heartbeat();
      }
    } finally {
      // Commit what finished even when a DLQ write failed mid-batch: the failed record is
      // re-fetched from the committed offset, nothing after it was marked done.
      if (lastDone !== undefined && !isStale()) {
        // Explicit offsets go to the group coordinator directly, even while the consumer is
        // stopping (consumer.commitOffsets would silently skip the commit then).
        await commitOffsetsIfNecessary({
          topics: [{ topic, partitions: [{ partition, offset: (BigInt(lastDone) + 1n).toString() }] }],
        });
      }
    }
  }

  /**
   * Heartbeats every heartbeat interval until `stop()`: kafkajs heartbeats only when asked, and a
   * handler may await one call (a slow FHIR server) for longer than the session timeout. A failed
   * heartbeat never fails the record; the first that says the member must rejoin is kept in
   * `membershipLost` for the caller to act on once the record settled. It goes on through a
   * rebalance (heartbeats keep the member in the group until it rejoins, up to kafkajs's rebalance
   * timeout of 60 s); with `untilGone` it ends once the member is out of the group.
   */
  protected heartbeatWhileInHand(
    heartbeat: () => Promise<void>,
    what: string,
    untilGone = true,
  ): HeartbeatTimer {
    return new HeartbeatTimer(
      heartbeat,
      this.heartbeatIntervalMs,
      (error) => this.logger.debug(`heartbeat while ${what} in hand failed: ${safeErrorMessage(error)}`),
      untilGone,
    );
  }

  protected get heartbeatIntervalMs(): number {
    return this.options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  }

  /**
   * The record's target asked to wait (RetryLaterError): pause this partition, rewind to the record,
   * and resume after the delay. Other partitions keep flowing; nothing is committed past the record.
   */
  protected hold(topic: string, partition: number, offset: string, delayMs: number): void {
    const partitions = [{ topic, partitions: [partition] }];
    this.consumer.pause(partitions);
    this.consumer.seek({ topic, partition, offset });
    this.options.metrics?.consumed.inc({ topic, consumer_group: this.options.groupId, outcome: 'held' });
    this.logger.debug(`holding ${topic}[${partition}]@${offset} for ${delayMs} ms`);
    const timer = setTimeout(
      () => {
        if (this.state === 'running') this.consumer.resume(partitions);
      },
      Math.max(100, Math.min(delayMs, MAX_HOLD_MS)),
    );
    timer.unref();
  }

  protected async processRecord(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const { metrics, groupId } = this.options;
    const stopTimer = metrics?.processingDuration.startTimer({ topic, consumer_group: groupId });
    const position = `${topic}/${partition}@${message.offset}`;
    const outcome =
      this.pendingDeadLetters.get(position) ?? (await this.handle(topic, partition, message, heartbeat));
    if (!outcome.ok) {
      const { topic: ownDlq, record } = buildDeadLetter({
        topic,
        partition,
        message,
        consumerGroup: groupId,
        stage: outcome.stage,
        attempts: outcome.attempts,
        error: outcome.error,
      });
      // A retry tier has no DLQ of its own: its records' dead letters go to the source topic's.
      const retryOf = this.definitions.get(topic)?.retryOf;
      const dlqTopic = retryOf === undefined ? ownDlq : dlqTopicName(retryOf);
      this.pendingDeadLetters.set(position, outcome);
      // Throws when the DLQ write is not acknowledged: the offset then stays uncommitted and
      // kafkajs hands the batch back.
      await this.options.producer.sendRaw(dlqTopic, [record]);
      this.pendingDeadLetters.delete(position);
      metrics?.deadLettered.inc({
        topic,
        consumer_group: groupId,
        stage: outcome.stage,
        error_class: errorClassName(outcome.error),
      });
      this.logger.warn(
        `dead-lettered ${topic}[${partition}]@${message.offset} stage=${outcome.stage} ` +
          `attempts=${outcome.attempts}: ${safeErrorMessage(outcome.error)}`,
      );
    }
    stopTimer?.();
    const label = !outcome.ok ? 'dead_lettered' : outcome.skipped ? 'skipped' : 'success';
    metrics?.consumed.inc({ topic, consumer_group: groupId, outcome: label });
  }

  private async handle(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<Outcome> {
    const redriveGroup = message.headers?.[REDRIVE_GROUP_HEADER]?.toString();
    if (redriveGroup !== undefined && redriveGroup !== this.options.groupId)
      return { ok: true, skipped: true };
    const definition = this.definitions.get(topic);
    const tombstone = !message.value || message.value.length === 0;
    const decoded = decodeCloudEvent(message.headers, message.value, {
      allowTombstone: definition?.cleanupPolicy === 'compact',
    });
    if (!decoded.ok) {
      return { ok: false, stage: 'deserialize', error: new PermanentError(decoded.reason), attempts: 1 };
    }
    const event = decoded.event;
    const invalid = tombstone ? undefined : validateRecord(definition, event);
    if (invalid) return { ok: false, stage: 'validate', error: invalid, attempts: 1 };

    const handler = this.options.handlers.get(topic)!;
    const context: EventContext = {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString('utf8') ?? null,
      headers: headersToStrings(message.headers),
      attempt: 1,
      heartbeat: async () => {
        try {
          await heartbeat();
        } catch (error) {
          throw new HeartbeatFailed(error);
        }
      },
    };
    for (; ; context.attempt++) {
      const attempt = context.attempt;
      try {
        await handler(event, context);
        return { ok: true };
      } catch (error) {
        // A rebalance is not the record's fault: leave the batch, the record is fetched again.
        if (error instanceof HeartbeatFailed) throw error.cause;
        // Neither is a target that asked us to wait: hold the partition, spend no attempt.
        if (error instanceof RetryLaterError) throw new HoldPartition(error.retryAfterMs);
        if (classifyError(error) === 'permanent' || attempt >= this.retry.maxAttempts) {
          return { ok: false, stage: 'handle', error, attempts: attempt };
        }
        this.logger.debug(
          `retrying ${topic}[${partition}]@${message.offset} after ${safeErrorMessage(error)}`,
        );
        await waitWithHeartbeats(backoffDelayMs(this.retry, attempt + 1), heartbeat);
      }
    }
  }
}

/** Longest a partition is held before the record is tried again. */
const MAX_HOLD_MS = 60_000;

/** Raised out of a record's handling to hold its partition (see ConsumerRuntime.hold). */
export class HoldPartition extends Error {
  constructor(readonly delayMs: number) {
    super('hold partition');
  }
}

/** A heartbeat a handler sent failed (typically a rebalance); never classified as the record's error. */
class HeartbeatFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('heartbeat failed');
  }
}

/**
 * A registry topic must carry the event's type, and the event must pass its type's contract
 * (content type, payload class). Records on topics outside the registry (tests, benchmarks) are
 * checked against their type's contract when the type is registered. Messages name attributes,
 * never values.
 */
function validateRecord(
  definition: TopicDefinition | undefined,
  event: CloudEvent,
): PermanentError | undefined {
  if (definition && !definition.eventTypes.includes(event.type)) {
    return new PermanentError(`ce_type is not an event type that ${definition.name} carries`);
  }
  if (!definition && !eventTypeOf(event.type)) return undefined;
  const outcome = validateEvent(event);
  if (!outcome.ok)
    return new PermanentError(`event does not match its contract: ${outcome.errors.join('; ')}`);
  event.data = outcome.value.data;
  return undefined;
}

async function waitWithHeartbeats(totalMs: number, heartbeat: () => Promise<void>): Promise<void> {
  for (let left = totalMs; left > 0; left -= HEARTBEAT_SLICE_MS) {
    await sleep(Math.min(left, HEARTBEAT_SLICE_MS));
    await heartbeat();
  }
}
