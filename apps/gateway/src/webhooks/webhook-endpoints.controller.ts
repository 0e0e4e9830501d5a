import type { ServerResponse } from 'node:http';
import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPreconditionFailedResponse,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import {
  isRfc3339,
  WEBHOOK_DELIVERY_OUTCOMES,
  WEBHOOK_ID_PATTERN,
  type WebhookDeliveryOutcome,
} from '@meridian/contracts';
import { instantOf, limitOf, offsetOf, versionOf } from '../http/query';
import { WebhookCommandsService } from './webhook-commands.service';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import {
  AcceptedCommand,
  RecoverInput,
  RotateSecretInput,
  WebhookAttemptView,
  WebhookEndpointInput,
  WebhookEndpointPatch,
  WebhookEndpointView,
  WebhookEndpointWithSecret,
} from './webhook-endpoint.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { body, uuid, withEtag } from '../http/pipes';

function webhookIdOf(value: string): string {
  if (!WEBHOOK_ID_PATTERN.test(value)) {
    throw new BadRequestException([
      'webhookId: must be a webhook-id (msg_ followed by letters, digits, _ or -)',
    ]);
  }
  return value;
}

/** Partner webhook endpoints, their delivery log, and resend / recover. */
@ApiTags('webhooks')
@Controller('api/v1/webhooks')
export class WebhookEndpointsController {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly deliveries: WebhookDeliveriesService,
    private readonly commands: WebhookCommandsService,
  ) {}

  @Post('endpoints')
  @ApiCreatedResponse({
    type: WebhookEndpointWithSecret,
    description: 'Created; the signing secret is in this response only. ETag is the version.',
  })
  @ApiBadRequestResponse({ description: 'Every problem with the body, by field (a refused URL says why).' })
  async create(
    @Body(body) input: WebhookEndpointInput,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<WebhookEndpointWithSecret> {
    const view = await this.endpoints.create(input);
    response.setHeader('Location', `/api/v1/webhooks/endpoints/${view.id}`);
    return withEtag(response, view);
  }

  @Get('endpoints')
  @ApiQuery({ name: 'active', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 100' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({ type: [WebhookEndpointView] })
  list(
    @Query('active') active?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ): Promise<WebhookEndpointView[]> {
    return this.endpoints.list(
      { active: active === undefined ? undefined : active === 'true' },
      limitOf(limit),
      offsetOf(offset),
    );
  }

  @Get('endpoints/:id')
  @ApiOkResponse({ type: WebhookEndpointView })
  @ApiNotFoundResponse()
  async get(
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<WebhookEndpointView> {
    return withEtag(response, await this.endpoints.get(id));
  }

  @Put('endpoints/:id')
  @ApiOkResponse({ type: WebhookEndpointView })
  @ApiPreconditionFailedResponse({ description: 'If-Match names an older version.' })
  async replace(
    @Param('id', uuid) id: string,
    @Body(body) input: WebhookEndpointInput,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<WebhookEndpointView> {
    return withEtag(response, await this.endpoints.replace(id, input, versionOf(ifMatch)));
  }

  @Patch('endpoints/:id')
  @ApiOkResponse({ type: WebhookEndpointView })
  @ApiPreconditionFailedResponse({ description: 'If-Match names an older version.' })
  async patch(
    @Param('id', uuid) id: string,
    @Body(body) input: WebhookEndpointPatch,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<WebhookEndpointView> {
    return withEtag(response, await this.endpoints.patch(id, input, versionOf(ifMatch)));
  }

  @Delete('endpoints/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted; a tombstone goes out on webhook.endpoints.v1.' })
  async remove(
    @Param('id', uuid) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.endpoints.remove(id, versionOf(ifMatch));
  }

  @Post('endpoints/:id/secret/rotate')
  @HttpCode(200)
  @ApiOkResponse({
    type: WebhookEndpointWithSecret,
    description: 'The new secret, shown once; the previous one signs too until its expiresAt.',
  })
  async rotate(
    @Param('id', uuid) id: string,
    @Body(body) input: RotateSecretInput,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<WebhookEndpointWithSecret> {
    return withEtag(response, await this.endpoints.rotate(id, input.overlapSeconds));
  }

  @Get('endpoints/:id/deliveries')
  @ApiQuery({ name: 'webhookId', required: false })
  @ApiQuery({ name: 'outcome', required: false, enum: WEBHOOK_DELIVERY_OUTCOMES })
  @ApiQuery({ name: 'since', required: false, description: 'RFC 3339: attempts from then on' })
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 100' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({ type: [WebhookAttemptView], description: 'Newest first.' })
  async deliveriesOf(
    @Param('id', uuid) id: string,
    @Query('webhookId') webhookId?: string,
    @Query('outcome') outcome?: string,
    @Query('since') since?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ): Promise<WebhookAttemptView[]> {
    const problems: string[] = [];
    if (webhookId !== undefined && !WEBHOOK_ID_PATTERN.test(webhookId))
      problems.push('webhookId: must be msg_…');
    if (outcome !== undefined && !(WEBHOOK_DELIVERY_OUTCOMES as readonly string[]).includes(outcome)) {
      problems.push(`outcome: one of ${WEBHOOK_DELIVERY_OUTCOMES.join(', ')}`);
    }
    if (since !== undefined && !isRfc3339(since)) problems.push('since: must be an RFC 3339 timestamp');
    if (problems.length > 0) throw new BadRequestException(problems);
    await this.endpoints.assertExists(id);
    return this.deliveries.list(
      id,
      {
        webhookId,
        outcome: outcome as WebhookDeliveryOutcome | undefined,
        since: since === undefined ? undefined : instantOf(since),
      },
      limitOf(limit),
      offsetOf(offset),
    );
  }

  @Get('messages/:webhookId/attempts')
  @ApiOkResponse({ type: [WebhookAttemptView], description: 'Every attempt of the message, in order.' })
  attempts(@Param('webhookId') webhookId: string): Promise<WebhookAttemptView[]> {
    return this.deliveries.attemptsOf(webhookIdOf(webhookId));
  }

  @Post('endpoints/:id/messages/:webhookId/resend')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: AcceptedCommand,
    description: 'The resend command is on webhooks.commands.v1.',
  })
  async resend(
    @Param('id', uuid) id: string,
    @Param('webhookId') webhookId: string,
  ): Promise<AcceptedCommand> {
    return { commandId: await this.commands.resend(id, webhookIdOf(webhookId)) };
  }

  @Post('endpoints/:id/recover')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: AcceptedCommand,
    description: 'The recover command is on webhooks.commands.v1.',
  })
  async recover(@Param('id', uuid) id: string, @Body(body) input: RecoverInput): Promise<AcceptedCommand> {
    return { commandId: await this.commands.recover(id, input.since) };
  }
}
