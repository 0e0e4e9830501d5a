import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { encodeMllp, MllpDecoder } from '@meridian/hl7';

/**
 * A sender as a hospital system is one: a real socket speaking MLLP. Replies are queued as they arrive,
 * so a test can send several frames and then read their answers in order.
 */
export class MllpClient {
  private readonly replies: string[] = [];
  private readonly waiters: { resolve: (reply: string) => void; reject: (error: Error) => void }[] = [];
  private closed = false;

  private constructor(readonly socket: Socket) {
    const decoder = new MllpDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk).frames) {
        const reply = frame.toString('utf8');
        const waiter = this.waiters.shift();
        if (waiter) waiter.resolve(reply);
        else this.replies.push(reply);
      }
    });
    socket.on('close', () => {
      this.closed = true;
      for (const waiter of this.waiters.splice(0))
        waiter.reject(new Error('connection closed before a reply'));
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number, options: { tls?: tls.ConnectionOptions } = {}): Promise<MllpClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = options.tls
        ? tls.connect({ port, host: '127.0.0.1', ...options.tls }, () => resolve(s))
        : net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
    });
    return new MllpClient(socket);
  }

  /** Writes a framed message (or any raw bytes, for framing tests). */
  send(message: string | Buffer): void {
    this.socket.write(typeof message === 'string' ? encodeMllp(message) : message);
  }

  /** The next reply; an error when none comes within `timeoutMs` or the connection closes first. */
  async next(timeoutMs = 30_000): Promise<string> {
    const queued = this.replies.shift();
    if (queued !== undefined) return queued;
    if (this.closed) throw new Error('connection closed before a reply');
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no MLLP reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        resolve: (reply: string): void => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error: Error): void => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Sends and waits for the answer. */
  async request(message: string | Buffer, timeoutMs?: number): Promise<string> {
    this.send(message);
    return this.next(timeoutMs);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** MSA-1 and MSA-2 of an ACK, and its ERR segment if any (for assertions). */
export function readAck(ack: string): { code: string; controlId: string; text?: string; err?: string } {
  const segments = ack.split('\r');
  const msa = segments.find((s) => s.startsWith('MSA'))?.split('|') ?? [];
  const err = segments.find((s) => s.startsWith('ERR'));
  return {
    code: msa[1] ?? '',
    controlId: msa[2] ?? '',
    ...(msa[3] ? { text: msa[3] } : {}),
    ...(err ? { err } : {}),
  };
}
