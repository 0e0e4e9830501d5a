import { RESOURCE_REFERENCE } from '../command-result/command-result.payload';
import { FHIR_RESOURCE_TYPE } from '../ehr-pull/ehr-pull.payload';
import type { JsonSchema } from '../event-type-definition';
import { CONFLICT_RESOLUTIONS } from '../integration-config/integration-config.payload';
import { CONFLICT_RESOLUTION_ACTIONS, SYNC_CONFLICT_STATUSES } from './sync-conflict.payload';

export const SYNC_CONFLICT_SCHEMA: JsonSchema = {
  title: 'Sync conflict',
  description:
    'A conflict between our last write and the integration’s current record, when detected and when ' +
    'resolved; the highest sequence per conflictId is current. While open it carries both versions ' +
    '(clinical data); once resolved, neither.',
  type: 'object',
  required: [
    'conflictId',
    'integrationId',
    'entityType',
    'entityId',
    'status',
    'strategy',
    'detectedAt',
    'sequence',
  ],
  properties: {
    conflictId: { type: 'string', minLength: 1 },
    integrationId: { type: 'string', minLength: 1 },
    entityType: { type: 'string', pattern: FHIR_RESOURCE_TYPE.source, description: 'e.g. Patient' },
    entityId: { type: 'string', minLength: 1, description: 'Business identifier system|value.' },
    reference: { type: 'string', pattern: RESOURCE_REFERENCE.source, description: 'Type/id on the target.' },
    status: { type: 'string', enum: SYNC_CONFLICT_STATUSES },
    strategy: { type: 'string', enum: CONFLICT_RESOLUTIONS, description: 'conflictResolution in force.' },
    detectedAt: { type: 'string', format: 'date-time' },
    fields: { type: 'array', items: { type: 'string' }, description: 'Top-level elements that differ.' },
    local: { type: 'object', description: 'Our version; only while open.' },
    external: { type: 'object', description: 'The integration’s current version; only while open.' },
    expectedVersion: { type: 'string', minLength: 1 },
    currentVersion: { type: 'string', minLength: 1 },
    resolution: {
      type: 'object',
      description: 'Required once resolved: how, by whom (orchestrator for automatic strategies), when.',
      required: ['action', 'resolvedBy', 'resolvedAt'],
      properties: {
        action: { type: 'string', enum: CONFLICT_RESOLUTION_ACTIONS },
        resolvedBy: { type: 'string', minLength: 1 },
        resolvedAt: { type: 'string', format: 'date-time' },
        note: { type: 'string' },
      },
    },
    sequence: { type: 'integer', minimum: 1, description: 'Grows with each update of the conflict.' },
  },
};
