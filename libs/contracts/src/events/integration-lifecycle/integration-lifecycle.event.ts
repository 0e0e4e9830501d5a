import type { EventTypeDefinition } from '../event-type-definition';
import { IntegrationLifecyclePayload } from './integration-lifecycle.payload';
import { INTEGRATION_LIFECYCLE_SCHEMA } from './integration-lifecycle.schema';

export const INTEGRATION_LIFECYCLE_V1 = 'org.meridian.integration.lifecycle.v1';

export const integrationLifecycleV1: EventTypeDefinition = {
  type: INTEGRATION_LIFECYCLE_V1,
  contentType: 'application/json',
  payload: IntegrationLifecyclePayload,
  description:
    'Emitted by every service at every step of a message (received, transformed, routed, delivered, ' +
    'failed, retrying). The gateway builds its event and job views from these; the health monitor its health.',
  example: {
    integrationId: 'int-goodhealth-adt',
    correlationId: '5b0f7c52-8a0e-4d55-9d1b-0c6f3e2a9b41',
    status: 'completed',
    step: 'transformer.hl7-to-fhir',
    attempt: 1,
    durationMs: 42,
  },
  schema: INTEGRATION_LIFECYCLE_SCHEMA,
};
