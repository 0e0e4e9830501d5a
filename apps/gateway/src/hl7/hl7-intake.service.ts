import { randomUUID } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { createCloudEvent, HL7_V2_RECEIVED_V1, hl7InboundKey, TOPICS } from '@meridian/contracts';
import {
  acceptAckCode,
  buildAck,
  buildBatchAck,
  buildBatchNak,
  checkMessageStructure,
  checkRequiredFields,
  contentFingerprint,
  decodeHl7Bytes,
  type Hl7Error,
  type Hl7Message,
  parseHl7,
  type PartialHeader,
  readPartialHeader,
  splitBatch,
} from '@meridian/hl7';
import { EventProducer, safeErrorMessage } from '@meridian/kafka';
import { LifecyclePublisher, SERVICE_SETTINGS } from '@meridian/platform';
import { Counter, Registry } from 'prom-client';
import type { GatewaySettings } from '../gateway.settings';
import { type ClaimRef, type ClaimResult, Hl7DedupeRepository, hl7DedupeKey } from './hl7-dedupe.repository';

export type Hl7Channel = 'mllp' | 'http';

/** Where a message came from: the channel and the peer (MLLP) or caller (HTTP) address. */
export interface Hl7Origin {
  channel: Hl7Channel;
  /** Remote IP address of the connection, when known. */
  address?: string;
}

/** What to send back: the ACK (absent when MSH-15 says not to answer) and the matching HTTP status. */
export interface IntakeReply {
  ack?: string;
  status: 200 | 400 | 413 | 503;
}

type Outcome = 'accepted' | 'duplicate' | 'rejected' | 'not_stored';

/** Bytes of an oversize message read to address its NAK. */
export const HEADER_PEEK_BYTES = 4096;
const PURGE_INTERVAL_MS = 10 * 60_000;
const SOURCE = '/meridian/gateway';
/**
 * A pending claim's lease runs this long past the publish timeout: long enough for the publish that
 * holds it to answer (AA or AE), short enough that a gateway killed mid-publish blocks its sender's
 * resend only briefly; the resend then takes the claim over and is published. A live gateway renews
 * the lease for as long as its send is in flight.
 */
export const CLAIM_LEASE_MARGIN_MS = 5_000;
const LIFECYCLE_STEP = 'gateway.hl7-control-id-reused';
const TIMED_OUT = Symbol('timed out');
const BATCH_HEADER = /^\uFEFF?\s*(FHS|BHS)/;
const LATER_MSH = /[\r\n]MSH/;

/**
 * The one path every HL7 v2 message takes into Meridian, whatever carried it: check it (syntax,
 * version, type, structure), claim it in the dedupe window, publish it to hl7.v2.inbound.v1 and answer
 * only then. A positive ACK means the broker's in-sync replicas have the record; anything else is AR
 * (will never be accepted) or AE (not stored, resend).
 */
@Injectable()
export class Hl7IntakeService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Hl7Intake');
  private readonly received: Counter<'channel' | 'outcome'>;
  private readonly reused: Counter<'outcome'>;
  private readonly unguarded: Counter<'error_class'>;
  private readonly versions: Set<string>;
  private readonly types: Set<string>;
  private readonly leaseSeconds: number;
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly producer: EventProducer,
    private readonly dedupe: Hl7DedupeRepository,
    private readonly lifecycle: LifecyclePublisher,
    @Inject(SERVICE_SETTINGS) private readonly settings: GatewaySettings,
    registry: Registry,
  ) {
    this.versions = new Set(settings.HL7_VERSIONS);
    this.types = new Set(settings.HL7_MESSAGE_TYPES);
    this.leaseSeconds = (settings.HL7_PUBLISH_TIMEOUT_MS + CLAIM_LEASE_MARGIN_MS) / 1000;
    this.received = new Counter({
      name: 'meridian_hl7_messages_received_total',
      help: 'HL7 v2 messages received, by channel and outcome (accepted, duplicate, rejected, not_stored)',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    });
    this.reused = new Counter({
      name: 'meridian_hl7_control_id_reused_total',
      help:
        'HL7 v2 messages whose sender and MSH-10 came within the dedupe window with other content, by outcome ' +
        '(processed: published as a message of its own; refused: AR 205)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.unguarded = new Counter({
      name: 'meridian_hl7_dedupe_unavailable_total',
      help:
        'HL7 v2 messages published without the dedupe window because Postgres failed (error) or did not ' +
        'answer within HL7_DEDUPE_TIMEOUT_MS (timeout)',
      labelNames: ['error_class'],
      registers: [registry],
    });
  }

  onModuleInit(): void {
    if (this.settings.HL7_DEDUPE_WINDOW_SECONDS === 0) return;
    this.purgeTimer = setInterval(() => {
      this.dedupe.purge(this.settings.HL7_DEDUPE_WINDOW_SECONDS).catch((error: unknown) => {
        this.logger.warn({ msg: 'dedupe purge failed', error: safeErrorMessage(error) });
      });
    }, PURGE_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  /** A single message or a batch file (FHS/BHS…), as bytes in the sender's character set. */
  async receive(bytes: Buffer, origin: Hl7Origin): Promise<IntakeReply> {
    if (bytes.length > this.settings.HL7_MAX_MESSAGE_BYTES) {
      return this.refuseOversized(bytes.subarray(0, HEADER_PEEK_BYTES), bytes.length, origin.channel);
    }
    const text = decodeHl7Bytes(bytes);
    // A batch file, or several messages one after the other without a batch header (MSH at the start
    // of a later segment), which senders post as one HTTP body.
    return BATCH_HEADER.test(text) || LATER_MSH.test(text)
      ? this.receiveBatch(text, origin)
      : this.receiveMessage(text, origin);
  }

  /** A message the transport skipped for its size: AR with ERR 104, addressed from its first bytes. */
  refuseOversized(head: Buffer, bytes: number, channel: Hl7Channel): IntakeReply {
    const header = readPartialHeader(decodeHl7Bytes(head));
    const reason = `message is ${bytes} bytes, over the limit of ${this.settings.HL7_MAX_MESSAGE_BYTES} bytes`;
    return { ...this.refuse(header, { code: '104', reason }, channel), status: 413 };
  }

  private async receiveBatch(text: string, origin: Hl7Origin): Promise<IntakeReply> {
    const split = splitBatch(text);
    const wrapped = BATCH_HEADER.test(text);
    if (!split.ok) {
      // Messages without a batch header are refused as their first message would be.
      if (!wrapped) return this.refuse(readPartialHeader(text), split.error, origin.channel);
      // Answered whatever the messages' MSH-15 says: the batch as a whole was refused.
      this.received.inc({ channel: origin.channel, outcome: 'rejected' });
      return { ack: buildBatchNak(text, split.error), status: 400 };
    }
    const replies: IntakeReply[] = [];
    // In order, one at a time: the batch's messages may concern the same patient.
    for (const message of split.batch.messages) replies.push(await this.receiveMessage(message, origin));
    const acks = replies.flatMap((reply) => (reply.ack === undefined ? [] : [reply.ack]));
    const status = replies.some((reply) => reply.status === 503) ? 503 : 200;
    // Resending the whole batch is safe: the dedupe window answers again for what was stored.
    if (wrapped) return { ack: buildBatchAck(split.batch, acks), status };
    // Unwrapped messages get their ACKs one after the other, as they came.
    return { ...(acks.length > 0 ? { ack: acks.join('') } : {}), status };
  }

  private async receiveMessage(text: string, origin: Hl7Origin): Promise<IntakeReply> {
    const { channel } = origin;
    const parsed = parseHl7(text);
    if (!parsed.ok) return this.refuse(readPartialHeader(text), parsed.error, channel);
    const message = parsed.message;
    const problem = this.check(message);
    if (problem) return this.refuse(message, problem, channel);

    const sender = senderOf(message, origin);
    const claim: ClaimRef = {
      key: hl7DedupeKey(sender, message.controlId),
      fingerprint: Buffer.from(contentFingerprint(message), 'hex'),
      eventId: randomUUID(),
    };
    const claiming = this.claim(claim);
    const result = await this.withinDedupeTimeout(claiming);
    // Whether this publish holds a claim to settle once Kafka answers: known now, or — for a claim
    // that outlasted the timeout and may still land — once it lands, so the sender's resend is then
    // answered as a duplicate.
    let held: boolean | Promise<boolean> = false;
    if (result === TIMED_OUT) {
      this.unguarded.inc({ error_class: 'timeout' });
      this.logger.warn({
        msg: 'dedupe window too slow; publishing without it',
        timeoutMs: this.settings.HL7_DEDUPE_TIMEOUT_MS,
      });
      held = claiming.then((late) => {
        if (late?.claimed && late.reused) this.countReused(message, claim.eventId, 'processed');
        return late?.claimed === true;
      });
    } else if (result !== undefined) {
      if (!result.claimed) {
        if (result.state === 'stored') return this.answer(message, 'duplicate', channel);
        return this.answer(message, 'not_stored', channel, {
          code: '207',
          reason:
            'a message with this control id and content from this sender is still being stored; resend it later',
        });
      }
      if (result.reused) {
        if (this.settings.HL7_REUSED_CONTROL_ID === 'refuse') {
          this.countReused(message, claim.eventId, 'refused');
          // Bounded like the claim: a database that turned slow must not hold the answer.
          await this.withinDedupeTimeout(this.dedupe.release(claim).catch(this.bookkeepingFailed));
          return this.refuse(message, reusedControlId(), channel);
        }
        this.countReused(message, claim.eventId, 'processed');
      }
      held = true;
    }
    const stored = await this.publish(message, text, sender, claim, held);
    if (stored) return this.answer(message, 'accepted', channel);
    return this.answer(message, 'not_stored', channel, {
      code: '207',
      reason: 'the message could not be stored; resend it',
    });
  }

  /**
   * MSH-12.1 in HL7_VERSIONS, or a profile of an accepted version: a suffix after major.minor that is
   * no HL7 release (`2.3.z`, as some public-health profiles are named) names the release it profiles.
   */
  private acceptsVersion(version: string): boolean {
    if (this.versions.has(version)) return true;
    const release = /^(\d+\.\d+)\.[A-Za-z]\w*$/.exec(version)?.[1];
    return release !== undefined && this.versions.has(release);
  }

  /** Version, message type, structure and the fields conversion needs; the parser has checked the syntax. */
  private check(message: Hl7Message): Hl7Error | undefined {
    const { code, trigger } = message.messageType;
    if (!this.acceptsVersion(message.version)) {
      return {
        code: '203',
        segment: 'MSH',
        sequence: 1,
        field: 12,
        reason: `HL7 version not accepted; accepted: ${[...this.versions].join(', ')}`,
      };
    }
    const type = `${code}^${trigger}`;
    if (!this.types.has(type)) {
      const known = [...this.types].some((t) => t.startsWith(`${code}^`));
      return {
        code: known ? '201' : '200',
        segment: 'MSH',
        sequence: 1,
        field: 9,
        reason: `message type not accepted; accepted: ${[...this.types].join(', ')}`,
      };
    }
    // Refused now, synchronously, rather than acknowledged and then dead-lettered by the converter.
    return checkMessageStructure(message, type) ?? checkRequiredFields(message);
  }

  /**
   * Undefined when the window is off or Postgres failed: then the message is published unguarded.
   * Never rejects.
   */
  private async claim(claim: ClaimRef): Promise<ClaimResult | undefined> {
    const window = this.settings.HL7_DEDUPE_WINDOW_SECONDS;
    if (window === 0) return undefined;
    try {
      return await this.dedupe.claim(claim, window, this.leaseSeconds);
    } catch (error) {
      // Losing the dedupe costs at most a duplicate, which consumers absorb; refusing would stop intake.
      this.unguarded.inc({ error_class: 'error' });
      this.logger.warn({
        msg: 'dedupe window unavailable; publishing without it',
        error: safeErrorMessage(error),
      });
      return undefined;
    }
  }

  private async withinDedupeTimeout<T>(work: Promise<T>): Promise<T | typeof TIMED_OUT> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), this.settings.HL7_DEDUPE_TIMEOUT_MS);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A reused control id, counted, logged (hashes and codes only), and reported as a lifecycle step of
   * the sender's integration when one is registered for its facility (the step carries the message's
   * correlation id, so it sits beside the transformer's step for the same message).
   */
  private countReused(message: Hl7Message, eventId: string, outcome: 'processed' | 'refused'): void {
    this.reused.inc({ outcome });
    this.logger.warn({
      msg: 'control id reused with different content',
      outcome,
      eventId,
      type: message.messageType.code,
    });
    const facility = message.sendingFacility || message.sendingApplication;
    if (!facility) return;
    void this.dedupe
      .integrationIdFor(facility)
      .then(async (integrationId) => {
        if (integrationId === undefined) return;
        await this.lifecycle.publish({
          integrationId,
          correlationId: eventId,
          status: outcome === 'processed' ? 'processing' : 'failed',
          step: LIFECYCLE_STEP,
          attempt: 1,
          ...(outcome === 'refused'
            ? {
                error: {
                  class: 'ControlIdReused',
                  message:
                    'MSH-10 was used within the dedupe window by a message with other content; refused (AR 205)',
                  retryable: false,
                },
              }
            : {}),
        });
      })
      .catch((error: unknown) => {
        this.logger.warn({ msg: 'control id reuse not reported', eventId, error: safeErrorMessage(error) });
      });
  }

  /**
   * True once the broker acknowledged the record, false when the send failed or outlasted the publish
   * timeout. A send that outlasts the timeout keeps going: if it succeeds the claim is marked stored,
   * so the sender's resend is answered as a duplicate instead of being published again.
   */
  private async publish(
    message: Hl7Message,
    text: string,
    sender: string,
    claim: ClaimRef,
    held: boolean | Promise<boolean>,
  ): Promise<boolean> {
    const { code, trigger } = message.messageType;
    const event = createCloudEvent({
      id: claim.eventId,
      source: SOURCE,
      type: HL7_V2_RECEIVED_V1,
      subject: `${code}^${trigger}`,
      correlationid: claim.eventId,
      data: text,
    });
    const key = hl7InboundKey(sender, message.get('PID-3.1') ?? undefined);
    const settle = async (stored: boolean): Promise<void> => {
      if (!(await held)) return;
      await (stored ? this.dedupe.markStored(claim) : this.dedupe.release(claim)).catch(
        this.bookkeepingFailed,
      );
    };
    // A claim held now is settled before the answer (an immediate resend must find it stored), within
    // the dedupe timeout (a database that turned slow must not hold the answer); a late one whenever
    // it lands, without holding the answer.
    const settled = async (stored: boolean): Promise<void> => {
      if (typeof held === 'boolean') await this.withinDedupeTimeout(settle(stored));
      else void settle(stored);
    };
    const sent = this.producer.publish(TOPICS.hl7Inbound.name, [{ key, event }]).then(
      async () => {
        await settled(true);
        return true;
      },
      async (error: unknown) => {
        this.logger.warn({
          msg: 'hl7 message not stored',
          eventId: claim.eventId,
          error: safeErrorMessage(error),
        });
        await settled(false);
        return false;
      },
    );
    // While the send is in flight (it goes on past the publish timeout), this gateway keeps its claim:
    // a resend meanwhile is told the message is still being stored, instead of taking the claim over
    // and publishing a second copy when both sends land. A killed gateway stops renewing, so its
    // claim lapses one lease after its last renewal.
    const renewal = setInterval(
      () => {
        void Promise.resolve(held).then((mine) =>
          mine ? this.dedupe.renewLease(claim, this.leaseSeconds).catch(this.bookkeepingFailed) : undefined,
        );
      },
      (this.leaseSeconds * 1000) / 2,
    );
    renewal.unref();
    void sent.finally(() => clearInterval(renewal));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.settings.HL7_PUBLISH_TIMEOUT_MS);
    });
    try {
      return await Promise.race([sent, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private readonly bookkeepingFailed = (error: unknown): void => {
    this.logger.warn({ msg: 'dedupe bookkeeping failed', error: safeErrorMessage(error) });
  };

  private answer(message: Hl7Message, outcome: Outcome, channel: Hl7Channel, error?: Hl7Error): IntakeReply {
    this.received.inc({ channel, outcome });
    const stored = outcome === 'accepted' || outcome === 'duplicate';
    const code = acceptAckCode(message, stored ? 'accepted' : 'error');
    return {
      ack: code === undefined ? undefined : buildAck(message, code, error ? { error } : {}),
      status: stored ? 200 : 503,
    };
  }

  private refuse(header: Hl7Message | PartialHeader, error: Hl7Error, channel: Hl7Channel): IntakeReply {
    this.received.inc({ channel, outcome: 'rejected' });
    const code = acceptAckCode(header, 'rejected');
    return { ack: code === undefined ? undefined : buildAck(header, code, { error }), status: 400 };
  }
}

/**
 * Who sent the message, for the dedupe key and the record key: MSH-4.1 (sending facility), else
 * MSH-3.1 (sending application) — both optional in the standard — else the connection: `mllp:<peer
 * address>` or `http:<caller address>`, else the channel alone.
 */
export function senderOf(message: Hl7Message, origin: Hl7Origin): string {
  const named = message.sendingFacility || message.sendingApplication;
  if (named) return named;
  const address = origin.address?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (!address) return origin.channel;
  return `${origin.channel}:${isIPv6(address) ? `[${address}]` : address}`;
}

function reusedControlId(): Hl7Error {
  return {
    code: '205',
    segment: 'MSH',
    sequence: 1,
    field: 10,
    reason:
      'MSH-10 was used within the dedupe window by a message with other content from this sender; send it with a new control id',
  };
}
