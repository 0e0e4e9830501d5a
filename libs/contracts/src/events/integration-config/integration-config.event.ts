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
  // The golden sample's value: a FHIR EHR synchronised both ways (no real endpoint or secret).
  example: {
    integrationId: '7c1e9f2a-4b3d-4e5f-9a6b-1c2d3e4f5a6b',
    version: 3,
    facility: 'GOODHEALTH',
    systemType: 'ehr',
    systemName: 'Good Health EHR',
    vendor: 'Example Health Systems',
    systemVersion: '2024.2',
    connection: {
      type: 'fhir',
      endpoint: 'https://ehr.goodhealth.example/fhir/r4',
      authentication: {
        type: 'smart-backend',
        tokenUrl: 'https://ehr.goodhealth.example/oauth2/token',
        clientId: 'meridian',
        scope: 'system/*.read system/*.write',
        keyId: 'meridian-2025',
        algorithm: 'RS384',
      },
      timeout: 15000,
      retryPolicy: {
        maxAttempts: 5,
        backoff: 'exponential',
        base: 500,
      },
    },
    dataMapping: {
      outbound: {
        fields: [
          {
            source: 'name[0].family',
            target: 'lastName',
          },
        ],
      },
    },
    synchronization: {
      enabled: true,
      direction: 'bidirectional',
      frequency: 'scheduled',
      cron: '*/15 * * * *',
      timeZone: 'America/Chicago',
      conflictResolution: 'newest_wins',
      resourceTypes: ['Patient', 'Encounter'],
    },
    monitoring: {
      errorThresholdPercentage: 50,
      volumeThreshold: 10,
      resetTimeout: 30000,
    },
    active: true,
    credentials: 'v1.k-2025-01.q7Hc3mV0aB1x2LQe.c2VjcmV0LWJ1dC1lbmNyeXB0ZWQ.YTFiMmMzZDRlNWY2ZzdoOA',
    updatedAt: '2025-01-10T12:00:00Z',
  },
  schema: INTEGRATION_CONFIG_SCHEMA,
};
