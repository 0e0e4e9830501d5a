import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** For the client's tests only: a real HTTP server on 127.0.0.1 that answers what a test scripts. */

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
}

/** `'hang'`: read the request and never answer. */
export type Responder = (request: RecordedRequest) => Reply | 'hang' | Promise<Reply | 'hang'>;

export interface TestHttpServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: RecordedRequest[];
  /** Requests whose path starts with `prefix`. */
  requestsTo(prefix: string): RecordedRequest[];
  /** Answers requests under `prefix` with `responder` (the longest matching prefix wins). */
  route(prefix: string, responder: Responder): void;
  close(): Promise<void>;
}

/** A responder that gives `replies` in turn and then repeats the last one. */
export function inTurn(...replies: Array<Reply | 'hang'>): Responder {
  let next = 0;
  return () => replies[Math.min(next++, replies.length - 1)];
}

export async function startTestHttpServer(): Promise<TestHttpServer> {
  const requests: RecordedRequest[] = [];
  const routes = new Map<string, Responder>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const prefix = [...routes.keys()]
        .filter((candidate) => request.url.startsWith(candidate))
        .sort((a, b) => b.length - a.length)[0];
      const responder: Responder = prefix === undefined ? () => ({ status: 404 }) : routes.get(prefix)!;
      void Promise.resolve(responder(request)).then(
        (reply) => {
          if (reply === 'hang') return;
          const text =
            reply.body === undefined
              ? ''
              : typeof reply.body === 'string'
                ? reply.body
                : JSON.stringify(reply.body);
          const type = typeof reply.body === 'string' ? 'text/plain' : 'application/fhir+json';
          res.writeHead(reply.status, { ...(text ? { 'content-type': type } : {}), ...reply.headers });
          res.end(text);
        },
        () => {
          res.writeHead(599);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (prefix) => requests.filter((request) => request.url.startsWith(prefix)),
    route: (prefix, responder) => routes.set(prefix, responder),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
