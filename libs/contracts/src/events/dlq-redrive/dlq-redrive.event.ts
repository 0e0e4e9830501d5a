import type { EventTypeDefinition } from '../event-type-definition';
import { DlqRedrivePayload } from './dlq-redrive.payload';
import { DLQ_REDRIVE_SCHEMA } from './dlq-redrive.schema';

export const DLQ_REDRIVE_V1 = 'org.meridian.dlq.redrive.v1';

export const dlqRedriveV1: EventTypeDefinition = {
  type: DLQ_REDRIVE_V1,
  contentType: 'application/json',
  payload: DlqRedrivePayload,
  description: 'Audit record of one dead letter re-produced to its source topic (CLI or management API).',
  example: {
    dlqTopic: 'fhir.r4.inbound.v1.dlq',
    targetTopic: 'fhir.r4.inbound.v1',
    partition: 2,
    offset: '1187',
    ceId: '5b0f7c52-8a0e-4d55-9d1b-0c6f3e2a9b41',
    operator: 'jsmith',
    reason: 'EHR outage resolved (INC-4411)',
    at: '2025-01-15T10:12:00Z',
  },
  schema: DLQ_REDRIVE_SCHEMA,
};
