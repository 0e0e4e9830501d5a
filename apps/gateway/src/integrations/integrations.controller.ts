import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPreconditionFailedResponse,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import {
  IntegrationInput,
  INTEGRATION_INPUT_SCHEMA,
  INTEGRATION_VIEW_SCHEMA,
  type IntegrationView,
} from './integration.dto';
import { limitOf, offsetOf, versionOf } from '../http/query';
import { IntegrationsService } from './integrations.service';
import { body, uuid, withEtag } from '../http/pipes';

@ApiTags('integrations')
@Controller('api/v1/integrations')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Post()
  @ApiBody({ schema: INTEGRATION_INPUT_SCHEMA })
  @ApiCreatedResponse({ schema: INTEGRATION_VIEW_SCHEMA, description: 'Created; ETag is the version.' })
  @ApiBadRequestResponse({ description: 'Every problem with the body, by path (never values).' })
  async create(
    @Body(body) input: IntegrationInput,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<IntegrationView> {
    const view = await this.integrations.create(input);
    response.setHeader('Location', `/api/v1/integrations/${view.id}`);
    return withEtag(response, view);
  }

  @Get()
  @ApiQuery({ name: 'facility', required: false })
  @ApiQuery({ name: 'systemType', required: false })
  @ApiQuery({ name: 'active', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 100' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({ schema: { type: 'array', items: INTEGRATION_VIEW_SCHEMA } })
  list(
    @Query('facility') facility?: string,
    @Query('systemType') systemType?: string,
    @Query('active') active?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ): Promise<IntegrationView[]> {
    return this.integrations.list(
      { facility, systemType, active: active === undefined ? undefined : active === 'true' },
      limitOf(limit),
      offsetOf(offset),
    );
  }

  @Get(':id')
  @ApiOkResponse({ schema: INTEGRATION_VIEW_SCHEMA })
  @ApiNotFoundResponse()
  async get(
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<IntegrationView> {
    return withEtag(response, await this.integrations.get(id));
  }

  @Put(':id')
  @ApiBody({ schema: INTEGRATION_INPUT_SCHEMA })
  @ApiOkResponse({ schema: INTEGRATION_VIEW_SCHEMA })
  @ApiPreconditionFailedResponse({ description: 'If-Match names an older version.' })
  async replace(
    @Param('id', uuid) id: string,
    @Body(body) input: IntegrationInput,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<IntegrationView> {
    return withEtag(response, await this.integrations.replace(id, input, versionOf(ifMatch)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted; a tombstone goes out on integration.config.v1.' })
  async remove(
    @Param('id', uuid) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.integrations.remove(id, versionOf(ifMatch));
  }
}
