import { SERVICE_NAMES } from '../../services/service-names';
import type { JsonSchema } from '../event-type-definition';
import { HEARTBEAT_STATUSES } from './service-heartbeat.payload';

export const SERVICE_HEARTBEAT_SCHEMA: JsonSchema = {
  title: 'Service heartbeat',
  type: 'object',
  required: ['service', 'instanceId', 'version', 'startedAt', 'status'],
  properties: {
    service: { type: 'string', enum: SERVICE_NAMES },
    instanceId: { type: 'string', minLength: 1 },
    version: { type: 'string', minLength: 1 },
    startedAt: { type: 'string', format: 'date-time' },
    status: { type: 'string', enum: HEARTBEAT_STATUSES },
    intervalMs: { type: 'integer', minimum: 1, description: 'How often this instance sends a heartbeat.' },
  },
};
