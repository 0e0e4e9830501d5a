import type { JsonSchema } from '../event-type-definition';
import {
  AUTHENTICATION_TYPES,
  CONFLICT_RESOLUTIONS,
  CONNECTION_TYPES,
  SEALED_CREDENTIALS,
  SYNC_DIRECTIONS,
  SYNC_FREQUENCIES,
  SYSTEM_TYPES,
} from './integration-config.payload';

const text: JsonSchema = { type: 'string', minLength: 1 };

export const RETRY_POLICY_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['maxAttempts', 'backoff', 'base'],
  properties: {
    maxAttempts: {
      type: 'integer',
      minimum: 1,
      maximum: 20,
      description: 'Attempts in all, the first included.',
    },
    backoff: { type: 'string', enum: ['linear', 'exponential'] },
    base: { type: 'integer', minimum: 0, maximum: 3_600_000, description: 'First wait in milliseconds.' },
  },
};

export const CONNECTION_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['type', 'endpoint', 'authentication', 'timeout', 'retryPolicy'],
  properties: {
    type: { type: 'string', enum: CONNECTION_TYPES },
    endpoint: { ...text, description: 'Base URL (fhir, rest, webhook) or host:port (hl7 over MLLP).' },
    authentication: {
      type: 'object',
      description: 'How to authenticate; the secrets themselves travel sealed in credentials.',
      required: ['type'],
      properties: {
        type: { type: 'string', enum: AUTHENTICATION_TYPES },
        tokenUrl: { type: 'string', pattern: '^https?://\\S+$', description: 'oauth2 and smart-backend' },
        clientId: { ...text, description: 'oauth2 and smart-backend' },
        scope: { type: 'string' },
        username: { ...text, description: 'basic' },
        headerName: { type: 'string', description: 'api_key header (default X-API-Key)' },
        keyId: { type: 'string', description: 'smart-backend: kid of the signing key' },
        algorithm: { type: 'string', enum: ['RS384', 'ES384'] },
      },
    },
    timeout: { type: 'integer', minimum: 100, maximum: 300_000, description: 'Milliseconds per call.' },
    retryPolicy: RETRY_POLICY_SCHEMA,
  },
};

export const SYNCHRONIZATION_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['enabled', 'direction', 'frequency', 'conflictResolution'],
  properties: {
    enabled: { type: 'boolean' },
    direction: { type: 'string', enum: SYNC_DIRECTIONS },
    frequency: { type: 'string', enum: SYNC_FREQUENCIES },
    cron: { type: 'string', pattern: '^\\S+( \\S+){4}$', description: 'Required when scheduled.' },
    timeZone: { type: 'string', description: 'IANA zone of the cron expression (default UTC).' },
    conflictResolution: { type: 'string', enum: CONFLICT_RESOLUTIONS },
    resourceTypes: {
      type: 'array',
      items: text,
      description: 'FHIR resource types subscribed to; absent: all.',
    },
  },
};

export const MONITORING_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['errorThresholdPercentage', 'volumeThreshold', 'resetTimeout'],
  properties: {
    errorThresholdPercentage: { type: 'integer', minimum: 1, maximum: 100 },
    volumeThreshold: { type: 'integer', minimum: 1 },
    resetTimeout: { type: 'integer', minimum: 100, description: 'Milliseconds before half-open.' },
    errorRateAlertPercentage: { type: 'integer', minimum: 1, maximum: 100 },
    latencyAlertMs: { type: 'integer', minimum: 1 },
  },
};

export const DATA_MAPPING_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'libs/mapping configurations per direction.',
  properties: { inbound: { type: 'object' }, outbound: { type: 'object' } },
};

export const HL7_CONVERSION_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'For HL7 v2 senders: how their messages become FHIR.',
  properties: {
    identifierSystems: { type: 'object', description: 'Assigning authority → identifier system URI.' },
    codeSystems: { type: 'object', description: 'HL7 coding system name (CWE.3) → code system URI.' },
    defaultTimeZone: { type: 'string', description: 'Zone of times without an offset (default UTC).' },
  },
};

/** The integration's own fields, shared by the event and the gateway's API. */
export const INTEGRATION_PROPERTIES: Readonly<Record<string, JsonSchema>> = {
  facility: { ...text, description: 'The facility (MSH-4) this integration serves.' },
  systemType: { type: 'string', enum: SYSTEM_TYPES },
  systemName: text,
  vendor: { type: 'string' },
  systemVersion: { type: 'string', description: 'The connected system’s version.' },
  connection: CONNECTION_SCHEMA,
  dataMapping: DATA_MAPPING_SCHEMA,
  synchronization: SYNCHRONIZATION_SCHEMA,
  monitoring: MONITORING_SCHEMA,
  hl7: HL7_CONVERSION_SCHEMA,
  active: { type: 'boolean' },
};

export const INTEGRATION_CONFIG_SCHEMA: JsonSchema = {
  title: 'Integration configuration',
  description:
    'The current configuration of one integration. Latest record per key wins; an empty value (tombstone) ' +
    'deletes the integration. Credentials are sealed (AES-256-GCM, with the key id inside the envelope).',
  type: 'object',
  required: [
    'integrationId',
    'version',
    'facility',
    'systemType',
    'systemName',
    'connection',
    'synchronization',
    'active',
    'updatedAt',
  ],
  properties: {
    integrationId: text,
    version: {
      type: 'integer',
      minimum: 1,
      description: 'Increases with every change; ignore older versions.',
    },
    ...INTEGRATION_PROPERTIES,
    credentials: {
      type: 'string',
      pattern: SEALED_CREDENTIALS.source,
      description:
        'Sealed envelope v1.<keyId>.<iv>.<ciphertext>.<tag>; only the service using them opens it.',
    },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};
