import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { SYNC_CONFLICT_STATUSES, type SyncConflictStatus } from '@meridian/contracts';
import {
  AcceptedResolution,
  AcceptedSyncJob,
  RESOLVE_CONFLICT_SCHEMA,
  ResolveConflictInput,
  RunSyncInput,
  SyncConflictDetail,
  SyncConflictView,
  SyncJobView,
} from './sync.dto';
import { limitOf, offsetOf } from '../http/query';
import { SyncService } from './sync.service';
import { body, uuid } from '../http/pipes';

const USER_HEADER = 'x-meridian-user';
const USER = /^[\x21-\x7e][\x20-\x7e]{0,199}$/;

/** Who asked, for the audit trail: `X-Meridian-User`, else `api`. */
function requester(header: string | undefined): string {
  if (header === undefined) return 'api';
  const user = header.trim();
  if (!USER.test(user)) {
    throw new BadRequestException(`${USER_HEADER} must be 1 to 200 printable ASCII characters`);
  }
  return user;
}

@ApiTags('sync')
@Controller('api/v1')
export class SyncController {
  constructor(private readonly sync: SyncService) {}

  @Post('integrations/:id/sync')
  @HttpCode(202)
  @ApiHeader({ name: USER_HEADER, required: false, description: 'Who asks (audited); default api.' })
  @ApiAcceptedResponse({ type: AcceptedSyncJob, description: 'run-job sent to the orchestrator.' })
  @ApiBadRequestResponse({ description: 'A since that is not an RFC 3339 time; a bad id.' })
  @ApiNotFoundResponse({ description: 'No such integration.' })
  @ApiConflictResponse({ description: 'The integration is inactive or its synchronization disabled.' })
  async run(
    @Param('id', uuid) id: string,
    @Body(body) input: RunSyncInput,
    @Headers(USER_HEADER) user: string | undefined,
  ): Promise<AcceptedSyncJob> {
    return { jobId: await this.sync.runJob(id, input.since, requester(user)) };
  }

  @Get('integrations/:id/sync/jobs')
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 100' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({ type: [SyncJobView], description: 'Newest first.' })
  @ApiNotFoundResponse()
  jobs(
    @Param('id', uuid) id: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ): Promise<SyncJobView[]> {
    return this.sync.jobs(id, limitOf(limit), offsetOf(offset));
  }

  @Get('sync/jobs/:jobId')
  @ApiOkResponse({ type: SyncJobView })
  @ApiNotFoundResponse()
  job(@Param('jobId') jobId: string): Promise<SyncJobView> {
    return this.sync.job(jobId);
  }

  @Get('integrations/:id/conflicts')
  @ApiQuery({ name: 'status', required: false, enum: SYNC_CONFLICT_STATUSES })
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 100' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({ type: [SyncConflictView], description: 'Newest first, without the two versions.' })
  @ApiNotFoundResponse()
  conflicts(
    @Param('id', uuid) id: string,
    @Query('status') status?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ): Promise<SyncConflictView[]> {
    if (status !== undefined && !(SYNC_CONFLICT_STATUSES as readonly string[]).includes(status)) {
      throw new BadRequestException(`status must be one of ${SYNC_CONFLICT_STATUSES.join(', ')}`);
    }
    return this.sync.conflicts(
      id,
      status as SyncConflictStatus | undefined,
      limitOf(limit),
      offsetOf(offset),
    );
  }

  @Get('conflicts/:conflictId')
  @ApiOkResponse({ type: SyncConflictDetail, description: 'With both versions while open.' })
  @ApiNotFoundResponse()
  conflict(@Param('conflictId') conflictId: string): Promise<SyncConflictDetail> {
    return this.sync.conflict(conflictId);
  }

  @Post('conflicts/:conflictId/resolve')
  @HttpCode(202)
  @ApiBody({ schema: RESOLVE_CONFLICT_SCHEMA })
  @ApiHeader({ name: USER_HEADER, required: false, description: 'Who resolves (audited); default api.' })
  @ApiAcceptedResponse({
    type: AcceptedResolution,
    description: 'resolve-conflict sent to the orchestrator.',
  })
  @ApiBadRequestResponse({
    description:
      'Every problem with the body: action, fields for merge (never resourceType, id, meta, text), data for manual (a resource of the conflict’s entity type).',
  })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The conflict is already resolved.' })
  async resolve(
    @Param('conflictId') conflictId: string,
    @Body(body) input: ResolveConflictInput,
    @Headers(USER_HEADER) user: string | undefined,
  ): Promise<AcceptedResolution> {
    return { commandId: await this.sync.resolve(conflictId, input, requester(user)) };
  }
}
