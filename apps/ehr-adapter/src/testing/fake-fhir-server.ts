import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** For the adapter's integration tests only: a FHIR server on 127.0.0.1 whose answers a test scripts. */

export interface SeenRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type FakeResponder = (request: SeenRequest) => FakeReply;

export interface FakeFhirServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Requests under `prefix`, in arrival order. */
  requestsTo(prefix: string): SeenRequest[];
  /** Answers requests under `prefix` (longest prefix wins); anything else gets 404 without a body. */
  route(prefix: string, responder: FakeResponder): void;
  close(): Promise<void>;
}

/** `port` 0 (the default) takes any free port; a given port lets a test bring a "stopped" server back where it was. */
export async function startFakeFhirServer(port = 0): Promise<FakeFhirServer> {
  const requests: SeenRequest[] = [];
  const routes = new Map<string, FakeResponder>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Kept as text.
      }
      const request: SeenRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body,
      };
      requests.push(request);
      const prefix = [...routes.keys()]
        .filter((candidate) => request.url.startsWith(candidate))
        .sort((a, b) => b.length - a.length)[0];
      const reply: FakeReply = prefix === undefined ? { status: 404 } : routes.get(prefix)!(request);
      const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        ...(payload ? { 'content-type': 'application/fhir+json' } : {}),
        ...reply.headers,
      });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const listening = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${listening}`,
    requestsTo: (prefix) => requests.filter((request) => request.url.startsWith(prefix)),
    route: (prefix, responder) => void routes.set(prefix, responder),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A transaction-response for a transaction Bundle: each entry created as `Type/<n>/_history/1`. */
export function transactionResponse(request: SeenRequest): FakeReply {
  const bundle = request.body as { entry?: Array<{ resource?: { resourceType?: string } }> } | undefined;
  let next = 1;
  return {
    status: 200,
    body: {
      resourceType: 'Bundle',
      type: 'transaction-response',
      entry: (bundle?.entry ?? []).map((entry) => ({
        response: {
          status: '201 Created',
          location: `${entry.resource?.resourceType ?? 'Basic'}/${next++}/_history/1`,
        },
      })),
    },
  };
}
