import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { createCloudEvent, HL7_V2_RECEIVED_V1, hl7InboundKey, TOPICS } from '@meridian/contracts';
import {
  acceptAckCode,
  buildAck,
  buildBatchAck,
  decodeHl7Bytes,
  type Hl7Error,
  type Hl7Message,
  parseHl7,
  type PartialHeader,
  readPartialHeader,
  splitBatch,
} from '@meridian/hl7';
import { EventProducer, safeErrorMessage } from '@meridian/kafka';
import { SERVICE_SETTINGS } from '@meridian/platform';
import { Counter, Registry } from 'prom-client';
import type { GatewaySettings } from '../gateway.settings';
import { type ClaimResult, Hl7DedupeRepository } from './hl7-dedupe.repository';

export type Hl7Channel = 'mllp' | 'http';

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
 * The one path every HL7 v2 message takes into Meridian, whatever carried it: check it, claim it in the
 * dedupe window, publish it to hl7.v2.inbound.v1 and answer only then. A positive ACK means the
 * broker's in-sync replicas have the record; anything else is AR (will never be accepted) or AE (not
 * stored, resend).
 */
@Injectable()
export class Hl7IntakeService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Hl7Intake');
  private readonly received: Counter<'channel' | 'outcome'>;
  private readonly versions: Set<string>;
  private readonly types: Set<string>;
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly producer: EventProducer,
    private readonly dedupe: Hl7DedupeRepository,
    @Inject(SERVICE_SETTINGS) private readonly settings: GatewaySettings,
    registry: Registry,
  ) {
    this.versions = new Set(settings.HL7_VERSIONS);
    this.types = new Set(settings.HL7_MESSAGE_TYPES);
    this.received = new Counter({
      name: 'meridian_hl7_messages_received_total',
      help: 'HL7 v2 messages received, by channel and outcome (accepted, duplicate, rejected, not_stored)',
      labelNames: ['channel', 'outcome'],
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
  async receive(bytes: Buffer, channel: Hl7Channel): Promise<IntakeReply> {
    if (bytes.length > this.settings.HL7_MAX_MESSAGE_BYTES) {
      return this.refuseOversized(bytes.subarray(0, HEADER_PEEK_BYTES), bytes.length, channel);
    }
    const text = decodeHl7Bytes(bytes);
    return /^\uFEFF?\s*(FHS|BHS)/.test(text)
      ? this.receiveBatch(text, channel)
      : this.receiveMessage(text, channel);
  }

  /** A message the transport skipped for its size: AR with ERR 104, addressed from its first bytes. */
  refuseOversized(head: Buffer, bytes: number, channel: Hl7Channel): IntakeReply {
    const header = readPartialHeader(decodeHl7Bytes(head));
    const reason = `message is ${bytes} bytes, over the limit of ${this.settings.HL7_MAX_MESSAGE_BYTES} bytes`;
    return { ...this.refuse(header, { code: '104', reason }, channel), status: 413 };
  }

  private async receiveBatch(text: string, channel: Hl7Channel): Promise<IntakeReply> {
    const split = splitBatch(text);
    if (!split.ok) return this.refuse(readPartialHeader(text), split.error, channel);
    const replies: IntakeReply[] = [];
    // In order, one at a time: the batch's messages may concern the same patient.
    for (const message of split.batch.messages) replies.push(await this.receiveMessage(message, channel));
    const acks = replies.flatMap((reply) => (reply.ack === undefined ? [] : [reply.ack]));
    // Resending the whole batch is safe: the dedupe window answers again for what was stored.
    return {
      ack: buildBatchAck(split.batch, acks),
      status: replies.some((reply) => reply.status === 503) ? 503 : 200,
    };
  }

  private async receiveMessage(text: string, channel: Hl7Channel): Promise<IntakeReply> {
    const parsed = parseHl7(text);
    if (!parsed.ok) return this.refuse(readPartialHeader(text), parsed.error, channel);
    const message = parsed.message;
    const problem = this.check(message);
    if (problem) return this.refuse(message, problem, channel);

    const facility = message.sendingFacility || message.sendingApplication;
    const controlId = message.controlId;
    const eventId = randomUUID();
    const claim = await this.claim(facility, controlId, eventId);
    if (claim && !claim.claimed) {
      if (claim.state === 'stored') return this.answer(message, 'duplicate', channel);
      return this.answer(message, 'not_stored', channel, {
        code: '207',
        reason: 'a message with this control id from this facility is still being stored; resend it later',
      });
    }
    const stored = await this.publish(message, text, facility, eventId, claim !== undefined);
    if (stored) return this.answer(message, 'accepted', channel);
    return this.answer(message, 'not_stored', channel, {
      code: '207',
      reason: 'the message could not be stored; resend it',
    });
  }

  /** Version, message type and a sender identity; the parser has checked the syntax. */
  private check(message: Hl7Message): Hl7Error | undefined {
    const { code, trigger } = message.messageType;
    if (!this.versions.has(message.version)) {
      return {
        code: '203',
        segment: 'MSH',
        sequence: 1,
        field: 12,
        reason: `HL7 version not accepted; accepted: ${[...this.versions].join(', ')}`,
      };
    }
    if (!this.types.has(`${code}^${trigger}`)) {
      const known = [...this.types].some((type) => type.startsWith(`${code}^`));
      return {
        code: known ? '201' : '200',
        segment: 'MSH',
        sequence: 1,
        field: 9,
        reason: `message type not accepted; accepted: ${[...this.types].join(', ')}`,
      };
    }
    if (!message.sendingFacility && !message.sendingApplication) {
      return { code: '101', segment: 'MSH', sequence: 1, field: 4, reason: 'MSH-4 and MSH-3 are both empty' };
    }
    return undefined;
  }

  /** Undefined when the window is off or Postgres is unreachable: then the message is published unguarded. */
  private async claim(
    facility: string,
    controlId: string,
    eventId: string,
  ): Promise<ClaimResult | undefined> {
    const window = this.settings.HL7_DEDUPE_WINDOW_SECONDS;
    if (window === 0) return undefined;
    try {
      return await this.dedupe.claim(facility, controlId, eventId, window);
    } catch (error) {
      // Losing the dedupe costs at most a duplicate, which consumers absorb; refusing would stop intake.
      this.logger.warn({
        msg: 'dedupe window unavailable; publishing without it',
        error: safeErrorMessage(error),
      });
      return undefined;
    }
  }

  /**
   * True once the broker acknowledged the record, false when the send failed or outlasted the publish
   * timeout. A send that outlasts the timeout keeps going: if it succeeds the claim is marked stored,
   * so the sender's resend is answered as a duplicate instead of being published again.
   */
  private async publish(
    message: Hl7Message,
    text: string,
    facility: string,
    eventId: string,
    claimed: boolean,
  ): Promise<boolean> {
    const controlId = message.controlId;
    const { code, trigger } = message.messageType;
    const event = createCloudEvent({
      id: eventId,
      source: SOURCE,
      type: HL7_V2_RECEIVED_V1,
      subject: `${code}^${trigger}`,
      correlationid: eventId,
      data: text,
    });
    const key = hl7InboundKey(facility, message.get('PID-3.1') ?? undefined);
    const sent = this.producer.publish(TOPICS.hl7Inbound.name, [{ key, event }]).then(
      async () => {
        if (claimed) await this.dedupe.markStored(facility, controlId, eventId).catch(this.bookkeepingFailed);
        return true;
      },
      async (error: unknown) => {
        this.logger.warn({ msg: 'hl7 message not stored', controlId, error: safeErrorMessage(error) });
        if (claimed) await this.dedupe.release(facility, controlId, eventId).catch(this.bookkeepingFailed);
        return false;
      },
    );
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
