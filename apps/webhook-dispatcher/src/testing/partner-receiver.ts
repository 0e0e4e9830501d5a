import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** How the partner answers one request: a status (with headers and body), or never (`hang`). */
export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Indexes of the path's secrets with which the public `standardwebhooks` library verified it. */
  verifiedWith: number[];
  at: number;
}

/**
 * A partner's webhook endpoint on a local socket, as a test double for a system outside our control.
 * Every request is verified with the public `standardwebhooks` library (`Webhook.verify`), exactly
 * as a partner would, against each secret the test gave for its path. Each path answers with its
 * replies in turn, the last one repeating.
 */
export class PartnerReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly replies = new Map<string, Reply[]>();
  private readonly secrets = new Map<string, string[]>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<PartnerReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiver = new PartnerReceiver(server, (server.address() as AddressInfo).port);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () =>
        receiver.handle(request.url ?? '/', request.headers, Buffer.concat(chunks), response),
      );
    });
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Configures a path: the secrets to verify with and the replies to give. */
  route(path: string, secrets: string[], replies: Reply[] = [{ status: 204 }]): void {
    this.secrets.set(path, secrets);
    this.replies.set(path, [...replies]);
  }

  /** Requests received on a path (hanging ones included), in arrival order. */
  on(path: string): ReceivedWebhook[] {
    return this.received.filter((request) => request.path === path);
  }

  /** Requests held open right now (`hang`). */
  get openRequests(): number {
    return this.hanging.size;
  }

  /** Answers every request held open (`hang`) with `status`: the test decides when a hang ends. */
  release(status: number): void {
    for (const response of this.hanging) {
      response.writeHead(status);
      response.end();
    }
    this.hanging.clear();
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(path: string, headers: IncomingHttpHeaders, raw: Buffer, response: ServerResponse): void {
    const body = raw.toString('utf8');
    const verifiedWith = (this.secrets.get(path) ?? []).flatMap((secret, index) => {
      try {
        new Webhook(secret).verify(body, headers as Record<string, string>);
        return [index];
      } catch {
        return [];
      }
    });
    this.received.push({ path, headers, body, verifiedWith, at: Date.now() });
    const queue = this.replies.get(path) ?? [{ status: 404 }];
    const reply = queue.length > 1 ? (queue.shift() as Reply) : queue[0];
    if (reply === 'hang') {
      this.hanging.add(response);
      response.on('close', () => this.hanging.delete(response));
      return;
    }
    response.writeHead(reply.status, reply.headers);
    response.end(reply.body ?? '');
  }
}
