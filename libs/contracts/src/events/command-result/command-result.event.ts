import type { EventTypeDefinition } from '../event-type-definition';
import { CommandResultPayload } from './command-result.payload';
import { COMMAND_RESULT_SCHEMA } from './command-result.schema';

export const COMMAND_RESULT_V1 = 'org.meridian.command.result.v1';

export const commandResultV1: EventTypeDefinition = {
  type: COMMAND_RESULT_V1,
  contentType: 'application/json',
  payload: CommandResultPayload,
  description:
    'The outcome of one command an adapter (EHR, PMS, LIS) carried out against its target system. ' +
    'ce_causationid is the command’s ce_id. A conflict (If-Match no longer held) lists the conflicting ' +
    'resources as the target holds them now; the answer to a pull carries its jobId, counters and watermark.',
  example: {
    commandId: '9e4f1a2b-7c3d-4e5f-8a9b-0c1d2e3f4a5b',
    integrationId: 'int-goodhealth-adt',
    outcome: 'succeeded',
    references: ['Patient/48213', 'Encounter/99120'],
    statusCode: 200,
    durationMs: 187,
  },
  schema: COMMAND_RESULT_SCHEMA,
};
