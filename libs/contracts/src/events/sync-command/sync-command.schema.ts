import type { JsonSchema } from '../event-type-definition';
import { FIELD_SIDES, MANUAL_RESOLUTION_ACTIONS, SYNC_COMMANDS } from './sync-command.payload';

export const SYNC_RESOLUTION_SCHEMA: JsonSchema = {
  type: 'object',
  description:
    'How to settle a held conflict: use_local, use_external, merge (with fields) or manual (with data).',
  required: ['action'],
  properties: {
    action: { type: 'string', enum: MANUAL_RESOLUTION_ACTIONS },
    fields: {
      type: 'object',
      description: 'merge (required): top-level element name → side to take it from.',
      additionalProperties: { type: 'string', enum: FIELD_SIDES },
    },
    data: { type: 'object', description: 'manual (required): the resource to write to the EHR.' },
    note: { type: 'string', description: 'Why; kept with the audit trail.' },
  },
};

export const SYNC_COMMAND_SCHEMA: JsonSchema = {
  title: 'Sync command',
  description: 'An operator’s request to the sync engine: run a job now, or settle a held conflict.',
  type: 'object',
  required: ['commandId', 'command', 'integrationId', 'requestedAt'],
  properties: {
    commandId: { type: 'string', minLength: 1, description: 'Unique per command; also ce_id.' },
    command: { type: 'string', enum: SYNC_COMMANDS },
    integrationId: { type: 'string', minLength: 1 },
    requestedAt: { type: 'string', format: 'date-time' },
    requestedBy: { type: 'string', minLength: 1, description: 'The API caller; audited.' },
    jobId: { type: 'string', minLength: 1, description: 'run-job (required): the job id the API returned.' },
    since: { type: 'string', format: 'date-time', description: 'run-job: override the cursor.' },
    conflictId: { type: 'string', minLength: 1, description: 'resolve-conflict (required).' },
    resolution: SYNC_RESOLUTION_SCHEMA,
  },
};
