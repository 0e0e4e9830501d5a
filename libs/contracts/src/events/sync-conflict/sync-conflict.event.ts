import type { EventTypeDefinition } from '../event-type-definition';
import { SyncConflictPayload } from './sync-conflict.payload';
import { SYNC_CONFLICT_SCHEMA } from './sync-conflict.schema';

export const SYNC_CONFLICT_V1 = 'org.meridian.sync.conflict.v1';

export const syncConflictV1: EventTypeDefinition = {
  type: SYNC_CONFLICT_V1,
  contentType: 'application/json',
  payload: SyncConflictPayload,
  description:
    'A record changed on the integration’s system since our last write, published by the orchestrator ' +
    'when detected (open, with both versions) and when resolved (by strategy or by a person, audited). ' +
    'The gateway keeps the highest sequence per conflict for the management API.',
  example: {
    conflictId: 'e1d2c3b4-a5f6-4789-8a9b-0c1d2e3f4a5b',
    integrationId: 'int-goodhealth-ehr',
    entityType: 'Patient',
    entityId: 'urn:oid:2.16.840.1.113883.19.5|MRN-000123',
    reference: 'Patient/48213',
    status: 'resolved',
    strategy: 'manual',
    detectedAt: '2025-01-14T09:00:00.000Z',
    fields: ['name', 'telecom'],
    expectedVersion: '2',
    currentVersion: '3',
    resolution: {
      action: 'merge',
      resolvedBy: 'jdoe',
      resolvedAt: '2025-01-14T09:12:01.000Z',
      note: 'phone changed at front desk',
    },
    sequence: 2,
  },
  schema: SYNC_CONFLICT_SCHEMA,
};
