import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiBody,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { InboundSecretView, InboundSecretWithSecret } from './webhook-endpoint.dto';
import { InboundWebhooksService } from './inbound-webhooks.service';
import { uuid } from '../http/pipes';

/** Nest keeps the bytes of a JSON body as `rawBody` (`rawBody: true` at bootstrap); signatures cover those. */
type RequestWithRawBody = IncomingMessage & { rawBody?: Buffer };

/**
 * POST /api/v1/webhooks/inbound/:integrationId: a partner's Standard Webhooks request. 202 published
 * to webhooks.inbound.v1; 200 a repeat of an accepted webhook-id (not published again); 401 a bad or
 * missing signature or a timestamp outside the tolerance (nothing published), the same for an unknown
 * integration or one without inbound secrets, so ids cannot be probed; 400 a verified body that is not
 * `{type, timestamp, data}`; 415 not JSON; 503 not stored (send again).
 */
@ApiTags('webhooks')
@Controller()
export class InboundWebhooksController {
  constructor(private readonly inbound: InboundWebhooksService) {}

  @Post('api/v1/webhooks/inbound/:integrationId')
  @ApiOperation({
    summary: 'Receive a partner webhook signed with Standard Webhooks 1.0',
    description:
      'Headers webhook-id, webhook-timestamp (unix seconds, ±5 min) and webhook-signature (v1,<base64 ' +
      'HMAC-SHA256 of id.timestamp.body> under one of the integration’s inbound secrets). 202 published; ' +
      '200 a webhook-id already accepted (not published again); 401 {reason} bad signature or timestamp.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['type', 'timestamp', 'data'],
      properties: {
        type: { type: 'string', example: 'appointment.booked' },
        timestamp: { type: 'string', format: 'date-time' },
        data: { type: 'object' },
      },
    },
  })
  async receive(
    @Param('integrationId', uuid) integrationId: string,
    @Req() request: RequestWithRawBody,
    @Res() response: ServerResponse,
  ): Promise<void> {
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType !== 'application/json' || !Buffer.isBuffer(request.rawBody)) {
      sendJson(response, 415, {
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: 'send the webhook as application/json',
      });
      return;
    }
    const result = await this.inbound.receive(integrationId, request.headers, request.rawBody);
    switch (result.outcome) {
      case 'accepted':
        sendJson(response, 202, { status: 'accepted', eventId: result.eventId });
        return;
      case 'duplicate':
        sendJson(response, 200, { status: 'duplicate', message: 'this webhook-id was already accepted' });
        return;
      case 'unauthorized':
        sendJson(response, 401, { statusCode: 401, error: 'Unauthorized', reason: result.reason });
        return;
      case 'invalid':
        sendJson(response, 400, { statusCode: 400, error: 'Bad Request', message: result.problems });
        return;
      case 'not-stored':
        response.setHeader('Retry-After', '5');
        sendJson(response, 503, {
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'not stored; send it again',
        });
        return;
    }
  }

  @Post('api/v1/integrations/:id/inbound-webhook-secrets')
  @ApiCreatedResponse({
    type: InboundSecretWithSecret,
    description: 'A new secret for the partner to sign with; shown once. Earlier secrets stay valid.',
  })
  @ApiNotFoundResponse()
  createSecret(@Param('id', uuid) id: string): Promise<InboundSecretWithSecret> {
    return this.inbound.createSecret(id);
  }

  @Get('api/v1/integrations/:id/inbound-webhook-secrets')
  @ApiOkResponse({ type: [InboundSecretView], description: 'Ids and dates only.' })
  listSecrets(@Param('id', uuid) id: string): Promise<InboundSecretView[]> {
    return this.inbound.listSecrets(id);
  }

  @Delete('api/v1/integrations/:id/inbound-webhook-secrets/:secretId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked: webhooks signed only with it are refused from now on.' })
  async revokeSecret(
    @Param('id', uuid) id: string,
    @Param('secretId', uuid) secretId: string,
  ): Promise<void> {
    await this.inbound.revokeSecret(id, secretId);
  }
}

function sendJson(response: ServerResponse, status: number, body: object): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
}
