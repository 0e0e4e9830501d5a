import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { HL7_V2_ER7_CONTENT_TYPE } from '@meridian/contracts';
import { SERVICE_SETTINGS } from '@meridian/platform';
import type { GatewaySettings } from '../gateway.settings';
import { HEADER_PEEK_BYTES, Hl7IntakeService } from './hl7-intake.service';

/** Media types an ER7 body may come as; JSON and forms are refused before anything is read. */
const ER7_TYPES = new Set([
  HL7_V2_ER7_CONTENT_TYPE,
  'application/hl7-v2',
  'text/plain',
  'application/octet-stream',
]);

/**
 * POST /api/v1/hl7: one message or a batch file as the body, the ACK as the response body. The status
 * says the same as the ACK for HTTP clients: 200 stored (or a duplicate of a stored message), 400
 * refused (AR), 413 over the size limit (AR), 415 not ER7, 503 not stored (AE; resend, with Retry-After).
 */
@Controller('api/v1/hl7')
export class Hl7HttpController {
  constructor(
    private readonly intake: Hl7IntakeService,
    @Inject(SERVICE_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  @Post()
  async receive(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!ER7_TYPES.has(mediaType)) {
      sendJson(response, 415, {
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: `send the HL7 v2 message as ER7 text with Content-Type ${HL7_V2_ER7_CONTENT_TYPE} (or text/plain)`,
      });
      return;
    }
    const body = await readBody(request, this.settings.HL7_MAX_MESSAGE_BYTES);
    const reply =
      body.overLimit === undefined
        ? await this.intake.receive(body.bytes, { channel: 'http', address: request.socket.remoteAddress })
        : this.intake.refuseOversized(body.bytes, body.overLimit, 'http');
    response.statusCode = reply.status;
    if (reply.status === 503) response.setHeader('Retry-After', '5');
    if (reply.ack === undefined) {
      response.end();
      return;
    }
    response.setHeader('Content-Type', `${HL7_V2_ER7_CONTENT_TYPE}; charset=utf-8`);
    response.end(reply.ack);
  }
}

/**
 * Reads the body up to `limit` bytes. Past the limit it keeps only the first bytes (to address the
 * NAK) and counts the rest, so an oversize body costs no memory.
 */
async function readBody(
  request: IncomingMessage,
  limit: number,
): Promise<{ bytes: Buffer; overLimit?: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    if (size <= limit) chunks.push(chunk);
    size += chunk.length;
  }
  const bytes = Buffer.concat(chunks);
  return size <= limit ? { bytes } : { bytes: bytes.subarray(0, HEADER_PEEK_BYTES), overLimit: size };
}

function sendJson(response: ServerResponse, status: number, body: object): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
}
