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
import { encodeMllp, MllpDecoder } from '@meridian/hl7';
import { SERVICE_SETTINGS } from '@meridian/platform';
import type { GatewaySettings } from '../gateway.settings';
import { Hl7IntakeService, type IntakeReply } from './hl7-intake.service';

/** Frames waiting on one connection before it stops reading (TCP backpressure reaches the sender). */
const MAX_QUEUED_FRAMES = 64;
/** How long shutdown waits for answers still being produced before closing connections. */
const DRAIN_TIMEOUT_MS = 15_000;

interface Connection {
  socket: Socket;
  /** The tail of this connection's work: frames are answered one by one, in the order received. */
  tail: Promise<void>;
  queued: number;
}

/**
 * The MLLP listener (plain TCP, TLS, or mutual TLS). Each connection gets its own decoder and answers
 * its frames strictly in order; a frame's ACK is written only once intake has an answer, which for a
 * positive ACK means Kafka has the message. Idle connections (half-open peers) are closed.
 */
@Injectable()
export class MllpServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MllpServer');
  private server?: net.Server;
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly intake: Hl7IntakeService,
    @Inject(SERVICE_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  /** The bound address, once listening. */
  address(): AddressInfo | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const s = this.settings;
    if (s.MLLP_PORT === -1) return;
    const onConnection = (socket: Socket): void => this.accept(socket);
    const server =
      s.MLLP_TLS_CERT_FILE && s.MLLP_TLS_KEY_FILE
        ? tls.createServer(
            {
              cert: readFileSync(s.MLLP_TLS_CERT_FILE),
              key: readFileSync(s.MLLP_TLS_KEY_FILE),
              ...(s.MLLP_TLS_CA_FILE
                ? { ca: readFileSync(s.MLLP_TLS_CA_FILE), requestCert: true, rejectUnauthorized: true }
                : {}),
              minVersion: 'TLSv1.2',
            },
            onConnection,
          )
        : net.createServer(onConnection);
    // A failed handshake (no or wrong client certificate) is the client's problem, not ours.
    server.on('tlsClientError', (error: Error & { code?: string }) =>
      this.logger.warn({ msg: 'mllp tls handshake failed', code: error.code ?? 'unknown' }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(s.MLLP_PORT, s.MLLP_HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log({ msg: 'mllp listening', port: this.address()?.port, tls: server instanceof tls.Server });
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

  private accept(socket: Socket): void {
    const connection: Connection = { socket, tail: Promise.resolve(), queued: 0 };
    this.connections.add(connection);
    const decoder = new MllpDecoder({ maxFrameBytes: this.settings.HL7_MAX_MESSAGE_BYTES });
    socket.setKeepAlive(true, 60_000);
    socket.setTimeout(this.settings.MLLP_IDLE_TIMEOUT_MS, () => {
      // A connection waiting for our answer is not idle.
      if (connection.queued === 0) socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      const { frames, oversized, errors } = decoder.push(chunk);
      if (errors.length > 0) this.logger.warn({ msg: 'mllp framing', problems: errors });
      // Oversize frames are answered where they sat among the others.
      let next = 0;
      for (const big of oversized) {
        for (; next < big.index; next++) this.enqueue(connection, frames[next]);
        this.enqueueReply(connection, () => this.intake.refuseOversized(big.head, big.bytes, 'mllp'));
      }
      for (; next < frames.length; next++) this.enqueue(connection, frames[next]);
    });
    socket.on('error', (error: Error & { code?: string }) => {
      this.logger.debug({ msg: 'mllp connection error', code: error.code ?? 'unknown' });
    });
    socket.on('close', () => this.connections.delete(connection));
  }

  private enqueue(connection: Connection, frame: Buffer): void {
    // The peer address names the sender of a message whose MSH-3 and MSH-4 are both empty.
    const origin = { channel: 'mllp' as const, address: connection.socket.remoteAddress };
    this.enqueueReply(connection, () => this.intake.receive(frame, origin));
  }

  private enqueueReply(connection: Connection, work: () => Promise<IntakeReply> | IntakeReply): void {
    const { socket } = connection;
    connection.queued++;
    if (connection.queued >= MAX_QUEUED_FRAMES) socket.pause();
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
        if (connection.queued < MAX_QUEUED_FRAMES && socket.isPaused()) socket.resume();
      });
  }
}

/** The ACK goes back in the character set its MSH-18 names (echoed from the message). */
function charsetOf(ack: string): 'utf8' | 'latin1' {
  const msh = ack.slice(0, ack.indexOf('\r'));
  return msh.split(msh.charAt(3))[17]?.trim().toUpperCase() === '8859/1' ? 'latin1' : 'utf8';
}
