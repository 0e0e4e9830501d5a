import type { EventTypeDefinition } from '../event-type-definition';
import { SyncCommandPayload } from './sync-command.payload';
import { SYNC_COMMAND_SCHEMA } from './sync-command.schema';

export const SYNC_COMMAND_V1 = 'org.meridian.sync.command.v1';

export const syncCommandV1: EventTypeDefinition = {
  type: SYNC_COMMAND_V1,
  contentType: 'application/json',
  payload: SyncCommandPayload,
  description:
    'An operator’s request from the management API to the orchestrator: run a sync job now (run-job) or ' +
    'settle a conflict held for a person (resolve-conflict). Keyed by integration id.',
  example: {
    commandId: '7f8e9d0c-1b2a-4394-8576-a5b4c3d2e1f0',
    command: 'resolve-conflict',
    integrationId: 'int-goodhealth-ehr',
    requestedAt: '2025-01-14T09:12:00.000Z',
    requestedBy: 'jdoe',
    conflictId: 'e1d2c3b4-a5f6-4789-8a9b-0c1d2e3f4a5b',
    resolution: {
      action: 'merge',
      fields: { name: 'local', telecom: 'external' },
      note: 'phone changed at front desk',
    },
  },
  schema: SYNC_COMMAND_SCHEMA,
};
