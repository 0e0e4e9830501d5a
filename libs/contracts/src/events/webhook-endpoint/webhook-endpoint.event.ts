import type { EventTypeDefinition } from '../event-type-definition';
import { WebhookEndpointPayload } from './webhook-endpoint.payload';
import { WEBHOOK_ENDPOINT_SCHEMA } from './webhook-endpoint.schema';

export const WEBHOOK_ENDPOINT_V1 = 'org.meridian.webhook.endpoint.v1';

export const webhookEndpointV1: EventTypeDefinition = {
  type: WEBHOOK_ENDPOINT_V1,
  contentType: 'application/json',
  payload: WebhookEndpointPayload,
  description:
    'A partner webhook endpoint, published by the gateway’s outbox whenever it changes; the webhook ' +
    'dispatcher keeps the latest per endpoint in memory.',
  // The golden sample's value: an endpoint in the middle of a secret rotation (no real secret).
  example: {
    endpointId: '2f6d8a1e-3b4c-4d5e-8f9a-0b1c2d3e4f5a',
    version: 4,
    url: 'https://hooks.acme-care.example/meridian',
    eventTypes: ['patient.admitted', 'patient.discharged'],
    description: 'Acme Care bed management',
    active: true,
    rateLimitPerSecond: 20,
    secrets: [
      {
        secretId: 'b7e2c1d0-9f8e-4a7b-8c6d-5e4f3a2b1c0d',
        sealed: 'v1.k-2025-01.Zq1XbY2cW3dV4eU5.bmV3LXNlY3JldC1zZWFsZWQ.MTIzNDU2Nzg5MGFiY2RlZg',
        createdAt: '2025-01-14T08:00:00Z',
      },
      {
        secretId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
        sealed: 'v1.k-2025-01.Aa1BbCc2Dd3Ee4Ff.b2xkLXNlY3JldC1zZWFsZWQ.ZmVkY2JhMDk4NzY1NDMyMQ',
        createdAt: '2024-11-02T10:15:00Z',
        expiresAt: '2025-01-15T08:00:00Z',
      },
    ],
    updatedAt: '2025-01-14T08:00:00Z',
  },
  schema: WEBHOOK_ENDPOINT_SCHEMA,
};
