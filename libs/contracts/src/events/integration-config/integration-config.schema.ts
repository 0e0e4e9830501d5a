import type { JsonSchema } from '../event-type-definition';

export const INTEGRATION_CONFIG_SCHEMA: JsonSchema = {
  title: 'Integration configuration',
  description:
    'The current configuration of one integration. Latest record per key wins; an empty value (tombstone) ' +
    'deletes the integration. Credentials are encrypted; settings never hold secrets.',
  type: 'object',
  required: ['integrationId', 'version', 'kind', 'name', 'enabled', 'settings', 'updatedAt'],
  properties: {
    integrationId: { type: 'string', minLength: 1 },
    version: {
      type: 'integer',
      minimum: 1,
      description: 'Increases with every change; ignore older versions.',
    },
    kind: {
      type: 'string',
      minLength: 1,
      description: 'e.g. hl7-v2-mllp, fhir-r4, pms-rest, partner-webhook',
    },
    name: { type: 'string', minLength: 1 },
    enabled: { type: 'boolean' },
    settings: { type: 'object', description: 'Kind-specific settings; never secrets.' },
    credentials: {
      type: 'object',
      required: ['keyId', 'algorithm', 'ciphertext'],
      properties: {
        keyId: { type: 'string', minLength: 1 },
        algorithm: { type: 'string', minLength: 1, description: 'e.g. aes-256-gcm' },
        ciphertext: { type: 'string', description: 'base64' },
      },
    },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};
