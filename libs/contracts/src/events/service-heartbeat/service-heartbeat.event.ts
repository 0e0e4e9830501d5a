import type { EventTypeDefinition } from '../event-type-definition';
import { ServiceHeartbeatPayload } from './service-heartbeat.payload';
import { SERVICE_HEARTBEAT_SCHEMA } from './service-heartbeat.schema';

export const SERVICE_HEARTBEAT_V1 = 'org.meridian.service.heartbeat.v1';

export const serviceHeartbeatV1: EventTypeDefinition = {
  type: SERVICE_HEARTBEAT_V1,
  contentType: 'application/json',
  payload: ServiceHeartbeatPayload,
  description: 'A periodic sign of life from one service instance.',
  example: {
    service: 'transformer',
    instanceId: 'transformer-7d9f8b6c4-x2k8q',
    version: '0.1.0',
    startedAt: '2025-01-14T06:00:00Z',
    status: 'ready',
    intervalMs: 15000,
  },
  schema: SERVICE_HEARTBEAT_SCHEMA,
};
