import type { EventTypeDefinition } from '../event-type-definition';
import { IntegrationConfigPayload } from './integration-config.payload';
import { INTEGRATION_CONFIG_SCHEMA } from './integration-config.schema';

export const INTEGRATION_CONFIG_V1 = 'org.meridian.integration.config.v1';

export const integrationConfigV1: EventTypeDefinition = {
  type: INTEGRATION_CONFIG_V1,
  contentType: 'application/json',
  payload: IntegrationConfigPayload,
  description:
    'An integration’s configuration, published by the gateway’s outbox whenever it changes; every ' +
    'service keeps the latest per integration in memory.',
  example: {
    integrationId: 'int-goodhealth-adt',
    version: 3,
    kind: 'hl7-v2-mllp',
    name: 'Good Health ADT feed',
    enabled: true,
    settings: { sendingFacility: 'GOODHEALTH', targets: ['ehr'] },
    credentials: { keyId: 'k-2025-01', algorithm: 'aes-256-gcm', ciphertext: 'c2VjcmV0LWJ1dC1lbmNyeXB0ZWQ=' },
    updatedAt: '2025-01-10T12:00:00Z',
  },
  schema: INTEGRATION_CONFIG_SCHEMA,
};
