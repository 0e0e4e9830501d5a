import type { JsonSchema } from '../event-type-definition';
import { WEBHOOK_DISABLED_REASONS } from './webhook-endpoint.payload';

const SEALED = '^v1\\.[A-Za-z0-9_-]{1,64}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+$';

export const WEBHOOK_ENDPOINT_SCHEMA: JsonSchema = {
  title: 'Partner webhook endpoint',
  description:
    'A partner endpoint: where to deliver, which event types, and its signing secrets (sealed). The ' +
    'latest record per endpoint id is the current state; an empty value deletes the endpoint.',
  type: 'object',
  required: ['endpointId', 'version', 'url', 'eventTypes', 'active', 'secrets', 'updatedAt'],
  properties: {
    endpointId: { type: 'string', minLength: 1 },
    version: { type: 'integer', minimum: 1, description: 'Grows with every change; ignore older versions.' },
    url: { type: 'string', pattern: '^https?://\\S+$' },
    eventTypes: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', minLength: 1 },
      description: 'Exact event types (patient.admitted), or * for all.',
    },
    description: { type: 'string' },
    active: { type: 'boolean' },
    disabledReason: {
      type: 'string',
      enum: WEBHOOK_DISABLED_REASONS,
      description: 'manual: by an operator; gone: the endpoint answered 410; failing: 5 days of failures',
    },
    rateLimitPerSecond: { type: 'integer', minimum: 1 },
    secrets: {
      type: 'array',
      minItems: 1,
      description: 'Newest first; sign with every one (several signatures during a rotation).',
      items: {
        type: 'object',
        required: ['secretId', 'sealed', 'createdAt'],
        properties: {
          secretId: { type: 'string', minLength: 1 },
          sealed: {
            type: 'string',
            pattern: SEALED,
            description: 'The whsec_ secret sealed with CREDENTIALS_KEYS, AAD webhook-endpoint:<endpointId>.',
          },
          createdAt: { type: 'string', format: 'date-time' },
          expiresAt: {
            type: 'string',
            format: 'date-time',
            description: 'The old secret of a rotation: used to sign until then.',
          },
        },
      },
    },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};
