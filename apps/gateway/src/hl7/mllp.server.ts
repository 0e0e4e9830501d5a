import { readFileSync } from 'node:fs';
import net, { type AddressInfo, type Socket } from 'node:net';
import tls from 'node:tls';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { encodeMllp, MLLP, MllpDecoder } from '@meridian/hl7';
import { SERVICE_SETTINGS } from '@meridian/platform';
import type { GatewaySettings } from '../gateway.settings';
import { Hl7IntakeService, type IntakeReply } from './hl7-intake.service';

/** Frames waiting on one connection before it stops reading (TCP backpressure reaches the sender). */
const MAX_QUEUED_FRAMES = 64;
/** How long shutdown waits for answers still being produced before closing connections. */
const DRAIN_TIMEOUT_MS = 15_000;
/** A flood would write one warning per connection: one per reason this often, with a count of the rest. */
const WARN_EVERY_MS = 10_000;

/** Which limit acted (the metric's `reason` label). */
type Limit =
  | 'connection_limit'
  | 'idle_evicted'
  | 'peer_limit'
  | 'buffer_budget'
  | 'buffer_wait'
  | 'frame_timeout'
  | 'idle_timeout';

const WARNINGS: Record<Exclude<Limit, 'idle_timeout'>, string> = {
  connection_limit: 'mllp connection refused: MLLP_MAX_CONNECTIONS reached and none idle to make room',
  idle_evicted:
    'mllp connection closed to make room: MLLP_MAX_CONNECTIONS reached, this one was idle longest',
  peer_limit: 'mllp connection refused: MLLP_MAX_CONNECTIONS_PER_PEER reached for this peer',
  buffer_budget: 'mllp connection closed: MLLP_MAX_BUFFERED_BYTES has no room for the frame it started',
  buffer_wait:
    'mllp connection not read further: its unfinished frame would exceed MLLP_MAX_BUFFERED_BYTES; it goes on when room frees, or is closed at its frame deadline',
  frame_timeout: 'mllp connection closed: a frame was not finished within MLLP_FRAME_TIMEOUT_MS',
};

interface Connection {
  socket: Socket;
  /** Per connection: frames may arrive split anywhere. Replaced (emptied) when the connection is closed. */
  decoder: MllpDecoder;
  /** The tail of this connection's work: frames are answered one by one, in the order received. */
  tail: Promise<void>;
  queued: number;
  /**
   * The middle of an unfinished frame, kept as read (not copied into the decoder) until a chunk with a
   * start or end block comes: a frame that never ends costs its bytes once, not twice.
   */
  held: Buffer[];
  /** Bytes of the unfinished frame (held and in the decoder), as counted in the budget. */
  partialBytes: number;
  /** A start block came and its end block has not: the frame's deadline runs. */
  inFrame: boolean;
  /** Bytes since the frame's start block; past HL7_MAX_MESSAGE_BYTES the decoder skips, holding nothing. */
  frameBytes: number;
  frameTimer?: NodeJS.Timeout;
  /** Chunks read but not taken, the budget having no room for them (oldest first; `tracked`: framing seen). */
  deferred: { chunk: Buffer; tracked: boolean }[];
  /** Not reading: complete frames waiting for their answer fill the budget. */
  waitingForAnswers: boolean;
  /** Being closed: reads nothing more, answers what it has, then goes. */
  closing: boolean;
  /** When it last sent anything (the longest idle makes room at the connection cap). */
  lastRead: number;
}

/**
 * The MLLP listener (plain TCP, TLS, or mutual TLS). Each connection gets its own decoder and answers
 * its frames strictly in order; a frame's ACK is written only once intake has an answer, which for a
 * positive ACK means Kafka has the message.
 *
 * Limits, so that no sender or flood can exhaust the gateway (README, MLLP):
 * - connections in total and per peer address: more are closed as they arrive, before any TLS
 *   handshake, except that at the total cap the connection idle longest (no frame under way, no
 *   answer pending) is closed to make room, so that idle connections cannot lock senders out;
 * - a deadline for every frame, from its start block to its end block;
 * - a budget of bytes for unfinished frames across all connections. A frame that starts when the
 *   budget has no room for it closes its connection (nothing of it was held). A frame already under
 *   way that would take the total over stops being read (its bytes stay in the kernel and TCP holds
 *   the sender back) until room frees, and its connection is closed when the frame's deadline
 *   passes: closing it at once would hand its room to the next frame of a flood, which would be
 *   read, dropped and read again;
 * - the same budget for complete frames waiting for their answer: over it, connections stop reading
 *   until answers free room;
 * - an idle timeout.
 * A connection closed for a limit first answers the complete frames it sent: nothing acknowledged is
 * lost, and what is not acknowledged the sender sends again.
 */
@Injectable()
export class MllpServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MllpServer');
  private server?: net.Server;
  private readonly connections = new Set<Connection>();
  /** Admitted sockets (TCP level, before any TLS handshake), in total and per peer address. */
  private admitted = 0;
  private readonly perPeer = new Map<string, number>();
  /** Bytes of unfinished frames across connections. */
  private partial = 0;
  /** Bytes of complete frames waiting for their answer. */
  private answering = 0;
  /** Connections holding chunks the unfinished-frame budget had no room for, oldest first. */
  private readonly waitingForRoom = new Set<Connection>();
  private readonly waitingForAnswers = new Set<Connection>();
  private admittingWaiting = false;
  private freedWhileAdmitting = false;
  private readonly warned = new Map<Limit, { at: number; suppressed: number }>();
  private readonly limited: Counter<'reason'>;

  constructor(
    private readonly intake: Hl7IntakeService,
    @Inject(SERVICE_SETTINGS) private readonly settings: GatewaySettings,
    registry: Registry,
  ) {
    this.limited = new Counter({
      name: 'meridian_mllp_limited_total',
      help: 'MLLP connections refused, held back or closed by a limit, by reason (connection_limit, idle_evicted, peer_limit, buffer_budget, buffer_wait, frame_timeout, idle_timeout)',
      labelNames: ['reason'],
      registers: [registry],
    });
    const held = () => ({ unfinished: this.partial, answering: this.answering });
    const open = () => this.admitted;
    new Gauge({
      name: 'meridian_mllp_buffered_bytes',
      help: 'Bytes the MLLP listener holds: unfinished frames (kind="unfinished"), complete frames waiting for their answer (kind="answering")',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        const bytes = held();
        this.set({ kind: 'unfinished' }, bytes.unfinished);
        this.set({ kind: 'answering' }, bytes.answering);
      },
    });
    new Gauge({
      name: 'meridian_mllp_connections',
      help: 'MLLP connections open (TLS ones from before their handshake)',
      registers: [registry],
      collect() {
        this.set(open());
      },
    });
  }

  /** The bound address, once listening. */
  address(): AddressInfo | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const s = this.settings;
    if (s.MLLP_PORT === -1) return;
    const secure = Boolean(s.MLLP_TLS_CERT_FILE && s.MLLP_TLS_KEY_FILE);
    const server = secure
      ? tls.createServer(
          {
            cert: readFileSync(s.MLLP_TLS_CERT_FILE ?? ''),
            key: readFileSync(s.MLLP_TLS_KEY_FILE ?? ''),
            ...(s.MLLP_TLS_CA_FILE
              ? { ca: readFileSync(s.MLLP_TLS_CA_FILE), requestCert: true, rejectUnauthorized: true }
              : {}),
            minVersion: 'TLSv1.2',
          },
          (socket) => this.accept(socket),
        )
      : net.createServer();
    // Admission at the TCP level, before a TLS handshake costs anything: first among the listeners.
    server.prependListener('connection', (socket: Socket) => {
      if (this.admit(socket) && !secure) this.accept(socket);
    });
    // A failed handshake (no or wrong client certificate) is the client's problem, not ours.
    server.on('tlsClientError', (error: Error & { code?: string }) => {
      this.logger.warn({ msg: 'mllp tls handshake failed', code: error.code ?? 'unknown' });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(s.MLLP_PORT, s.MLLP_HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log({
      msg: 'mllp listening',
      port: this.address()?.port,
      tls: secure,
      maxConnections: s.MLLP_MAX_CONNECTIONS,
      maxConnectionsPerPeer: s.MLLP_MAX_CONNECTIONS_PER_PEER,
      maxBufferedBytes: s.MLLP_MAX_BUFFERED_BYTES,
      frameTimeoutMs: s.MLLP_FRAME_TIMEOUT_MS,
      idleTimeoutMs: s.MLLP_IDLE_TIMEOUT_MS,
    });
  }

  /** Stops accepting, lets every connection finish answering what it has, then closes them. */
  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const drained = Promise.all([...this.connections].map((c) => c.tail));
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, DRAIN_TIMEOUT_MS).unref())]);
    for (const connection of this.connections) connection.socket.end();
    for (const connection of this.connections) connection.socket.destroy();
    await closed;
  }

  /** Counts the socket against the caps, or closes it at once when a cap is reached. */
  private admit(socket: Socket): boolean {
    const s = this.settings;
    const peer = peerOf(socket);
    const fromPeer = this.perPeer.get(peer) ?? 0;
    const refusal: Limit | undefined =
      fromPeer >= s.MLLP_MAX_CONNECTIONS_PER_PEER
        ? 'peer_limit'
        : this.admitted >= s.MLLP_MAX_CONNECTIONS && !this.evictIdlest()
          ? 'connection_limit'
          : undefined;
    if (refusal) {
      socket.on('error', () => undefined);
      socket.destroy();
      this.report(
        refusal,
        refusal === 'connection_limit'
          ? { limit: s.MLLP_MAX_CONNECTIONS }
          : { limit: s.MLLP_MAX_CONNECTIONS_PER_PEER, peer },
      );
      return false;
    }
    this.admitted++;
    this.perPeer.set(peer, fromPeer + 1);
    socket.once('close', () => {
      this.admitted--;
      const left = (this.perPeer.get(peer) ?? 1) - 1;
      if (left > 0) this.perPeer.set(peer, left);
      else this.perPeer.delete(peer);
    });
    return true;
  }

  /**
   * At the connection cap: closes the connection silent longest with no frame under way and no answer
   * pending, whose place the new one takes. False if there is none.
   */
  private evictIdlest(): boolean {
    let idlest: Connection | undefined;
    for (const c of this.connections) {
      const idle = !c.closing && !c.inFrame && c.queued === 0 && c.deferred.length === 0;
      if (idle && (idlest === undefined || c.lastRead < idlest.lastRead)) idlest = c;
    }
    if (idlest === undefined) return false;
    idlest.closing = true;
    this.report('idle_evicted', { limit: this.settings.MLLP_MAX_CONNECTIONS });
    // Its place is the new connection's at once; the count drops when the socket has closed.
    this.admitted--;
    idlest.socket.once('close', () => this.admitted++);
    idlest.socket.destroy();
    return true;
  }

  private accept(socket: Socket): void {
    const connection: Connection = {
      socket,
      decoder: this.decoder(),
      tail: Promise.resolve(),
      queued: 0,
      held: [],
      partialBytes: 0,
      inFrame: false,
      frameBytes: 0,
      deferred: [],
      waitingForAnswers: false,
      closing: false,
      lastRead: Date.now(),
    };
    this.connections.add(connection);
    socket.setKeepAlive(true, 60_000);
    socket.setTimeout(this.settings.MLLP_IDLE_TIMEOUT_MS, () => {
      // A connection waiting for our answer is not idle; one mid-frame has its frame's deadline.
      if (connection.queued === 0 && !connection.closing) {
        this.limited.inc({ reason: 'idle_timeout' });
        socket.destroy();
      }
    });
    socket.on('data', (chunk: Buffer) => this.read(connection, chunk));
    socket.on('error', (error: Error & { code?: string }) => {
      this.logger.debug({ msg: 'mllp connection error', code: error.code ?? 'unknown' });
    });
    socket.on('close', () => {
      this.release(connection);
      this.connections.delete(connection);
      this.waitingForAnswers.delete(connection);
    });
  }

  private read(connection: Connection, chunk: Buffer): void {
    if (connection.closing) return;
    connection.lastRead = Date.now();
    // Behind chunks already waiting for room, in order.
    if (connection.deferred.length > 0) {
      connection.deferred.push({ chunk, tracked: false });
      return;
    }
    this.trackFrame(connection, chunk);
    const rest = this.take(connection, chunk);
    if (rest === undefined) return;
    const detail = {
      frameBytes: connection.frameBytes,
      unfinishedBytes: this.partial,
      maxBufferedBytes: this.settings.MLLP_MAX_BUFFERED_BYTES,
    };
    // A frame that has only just started holds nothing: closing its connection frees no room.
    if (connection.partialBytes === 0) {
      this.close(connection, 'buffer_budget', detail);
      return;
    }
    connection.deferred.push({ chunk: rest, tracked: true });
    this.waitingForRoom.add(connection);
    this.updateReading(connection);
    this.report('buffer_wait', detail);
  }

  /**
   * Takes a chunk whose framing `trackFrame` has seen, or, when the unfinished frame it leaves would
   * take the budget over, takes only the complete frames before that frame and returns the rest.
   */
  private take(connection: Connection, chunk: Buffer): Buffer | undefined {
    const start = chunk.lastIndexOf(MLLP.start);
    const end = chunk.lastIndexOf(MLLP.end);
    const middle = connection.inFrame && start === -1 && end === -1;
    // What the unfinished frame holds after this chunk: nothing for a frame over the size limit, which
    // the decoder skips.
    const unfinished =
      !connection.inFrame || connection.frameBytes > this.settings.HL7_MAX_MESSAGE_BYTES
        ? 0
        : middle
          ? connection.partialBytes + chunk.length
          : chunk.length - start - 1;
    const grows = unfinished > connection.partialBytes;
    if (
      grows &&
      this.partial - connection.partialBytes + unfinished > this.settings.MLLP_MAX_BUFFERED_BYTES
    ) {
      if (middle) return chunk;
      // The frames that end before the new one are complete: they are answered now.
      this.feed(connection, chunk.subarray(0, start));
      return chunk.subarray(start);
    }
    if (middle && unfinished > 0) {
      connection.held.push(chunk);
      this.count(connection, unfinished);
    } else {
      this.feed(connection, chunk);
    }
    return undefined;
  }

  /** Decodes the held middle of the frame and the chunk, and queues the complete frames for intake. */
  private feed(connection: Connection, chunk: Buffer): void {
    const problems: string[] = [];
    for (const part of connection.held.splice(0)) problems.push(...connection.decoder.push(part).errors);
    const { frames, oversized, errors } = connection.decoder.push(chunk);
    problems.push(...errors);
    if (problems.length > 0) this.logger.warn({ msg: 'mllp framing', problems });
    // Oversize frames are answered where they sat among the others.
    let next = 0;
    for (const big of oversized) {
      for (; next < big.index; next++) this.enqueue(connection, frames[next]);
      this.enqueueReply(connection, big.head.length, () =>
        this.intake.refuseOversized(big.head, big.bytes, 'mllp'),
      );
    }
    for (; next < frames.length; next++) this.enqueue(connection, frames[next]);
    this.count(connection, connection.decoder.pendingBytes);
  }

  /** Sets the bytes of the connection's unfinished frame; room freed goes to connections waiting for it. */
  private count(connection: Connection, bytes: number): void {
    const freed = bytes < connection.partialBytes;
    this.partial += bytes - connection.partialBytes;
    connection.partialBytes = bytes;
    if (freed) this.admitWaiting();
  }

  /** Connections waiting for room take their chunks, oldest first, as far as the budget allows. */
  private admitWaiting(): void {
    if (this.admittingWaiting) {
      // Room freed by a connection taken below: the pass goes round again for those before it.
      this.freedWhileAdmitting = true;
      return;
    }
    this.admittingWaiting = true;
    try {
      do {
        this.freedWhileAdmitting = false;
        for (const connection of this.waitingForRoom) {
          while (connection.deferred.length > 0 && !connection.closing) {
            const next = connection.deferred[0];
            if (!next.tracked) this.trackFrame(connection, next.chunk);
            next.tracked = true;
            const rest = this.take(connection, next.chunk);
            if (rest !== undefined) {
              next.chunk = rest;
              break;
            }
            connection.deferred.shift();
          }
          if (connection.deferred.length === 0 || connection.closing) {
            this.waitingForRoom.delete(connection);
            this.updateReading(connection);
          }
        }
      } while (this.freedWhileAdmitting && this.waitingForRoom.size > 0);
    } finally {
      this.admittingWaiting = false;
    }
  }

  /**
   * Follows whether a frame is open (the last start block after the last end block) and runs its
   * deadline, from the first start block to the end block, whatever trickles in between.
   */
  private trackFrame(connection: Connection, chunk: Buffer): void {
    const start = chunk.lastIndexOf(MLLP.start);
    const end = chunk.lastIndexOf(MLLP.end);
    if (start === -1 && end === -1) {
      if (connection.inFrame) connection.frameBytes += chunk.length;
      return;
    }
    const inFrame = start > end;
    // A new deadline when a frame starts after none, or after one that ended in this chunk.
    const started = inFrame && (end !== -1 || !connection.inFrame);
    if (inFrame) connection.frameBytes = chunk.length - start - 1;
    if (started || !inFrame) {
      clearTimeout(connection.frameTimer);
      connection.frameTimer = started
        ? setTimeout(
            () =>
              this.close(connection, 'frame_timeout', {
                frameBytes: connection.frameBytes,
                timeoutMs: this.settings.MLLP_FRAME_TIMEOUT_MS,
              }),
            this.settings.MLLP_FRAME_TIMEOUT_MS,
          )
        : undefined;
    }
    connection.inFrame = inFrame;
  }

  /**
   * Closes a connection for a limit: it reads nothing more, drops its unfinished frame, answers the
   * complete frames it already sent, then closes.
   */
  private close(
    connection: Connection,
    limit: 'buffer_budget' | 'frame_timeout',
    detail: Record<string, unknown>,
  ): void {
    if (connection.closing) return;
    connection.closing = true;
    this.updateReading(connection);
    this.release(connection);
    this.report(limit, detail);
    void connection.tail.then(() => connection.socket.destroy());
  }

  /** Drops the connection's unfinished frame and what waited for room, giving back their bytes. */
  private release(connection: Connection): void {
    clearTimeout(connection.frameTimer);
    connection.frameTimer = undefined;
    connection.held = [];
    connection.deferred = [];
    this.waitingForRoom.delete(connection);
    if (connection.decoder.pendingBytes > 0) connection.decoder = this.decoder();
    this.count(connection, 0);
  }

  private decoder(): MllpDecoder {
    return new MllpDecoder({ maxFrameBytes: this.settings.HL7_MAX_MESSAGE_BYTES });
  }

  private enqueue(connection: Connection, frame: Buffer): void {
    // The peer address names the sender of a message whose MSH-3 and MSH-4 are both empty.
    const origin = { channel: 'mllp' as const, address: connection.socket.remoteAddress };
    this.enqueueReply(connection, frame.length, () => this.intake.receive(frame, origin));
  }

  private enqueueReply(
    connection: Connection,
    bytes: number,
    work: () => Promise<IntakeReply> | IntakeReply,
  ): void {
    const { socket } = connection;
    connection.queued++;
    this.answering += bytes;
    if (this.answering > this.settings.MLLP_MAX_BUFFERED_BYTES) {
      // Complete frames fill the budget: stop reading here until answers free room (nothing lost).
      connection.waitingForAnswers = true;
      this.waitingForAnswers.add(connection);
    }
    this.updateReading(connection);
    connection.tail = connection.tail
      .then(work)
      .then(
        (reply) => {
          if (reply.ack !== undefined && !socket.destroyed)
            socket.write(encodeMllp(reply.ack, charsetOf(reply.ack)));
        },
        (error: unknown) => {
          // Intake answers every expected failure itself; reaching here is a bug. Without an ACK the
          // sender resends, so nothing is lost; closing tells it at once.
          this.logger.error({
            msg: 'mllp intake failed',
            error: error instanceof Error ? error.name : 'unknown',
          });
          socket.destroy();
        },
      )
      .finally(() => {
        connection.queued--;
        this.answering -= bytes;
        this.updateReading(connection);
        this.resumeAfterAnswers();
      });
  }

  /** Connections paused for complete frames read again once answers bring the total within the budget. */
  private resumeAfterAnswers(): void {
    if (this.waitingForAnswers.size === 0 || this.answering > this.settings.MLLP_MAX_BUFFERED_BYTES) return;
    for (const connection of this.waitingForAnswers) {
      connection.waitingForAnswers = false;
      this.updateReading(connection);
    }
    this.waitingForAnswers.clear();
  }

  /** Reads while the connection has room for frames, the budgets allow, and it is not being closed. */
  private updateReading(connection: Connection): void {
    const { socket } = connection;
    const read =
      !connection.closing &&
      !connection.waitingForAnswers &&
      connection.deferred.length === 0 &&
      connection.queued < MAX_QUEUED_FRAMES;
    if (read && socket.isPaused()) socket.resume();
    else if (!read && !socket.isPaused()) socket.pause();
  }

  /** A warning per limit at most every WARN_EVERY_MS (with how many were not logged), and the metric. */
  private report(limit: Exclude<Limit, 'idle_timeout'>, detail: Record<string, unknown>): void {
    this.limited.inc({ reason: limit });
    const now = Date.now();
    const last = this.warned.get(limit);
    if (last && now - last.at < WARN_EVERY_MS) {
      last.suppressed++;
      return;
    }
    this.warned.set(limit, { at: now, suppressed: 0 });
    this.logger.warn({
      msg: WARNINGS[limit],
      reason: limit,
      ...detail,
      ...(last?.suppressed ? { alsoSinceLastWarning: last.suppressed } : {}),
    });
  }
}

/** The peer address a cap counts against (IPv4-mapped IPv6 as IPv4). */
function peerOf(socket: Socket): string {
  const address = socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** The ACK goes back in the character set its MSH-18 names (echoed from the message). */
function charsetOf(ack: string): 'utf8' | 'latin1' {
  const msh = ack.slice(0, ack.indexOf('\r'));
  return msh.split(msh.charAt(3))[17]?.trim().toUpperCase() === '8859/1' ? 'latin1' : 'utf8';
}
