import type { EventTypeDefinition } from '../event-type-definition';
import { EhrPullPayload } from './ehr-pull.payload';
import { EHR_PULL_SCHEMA } from './ehr-pull.schema';

export const EHR_PULL_V1 = 'org.meridian.ehr.pull.v1';

export const ehrPullV1: EventTypeDefinition = {
  type: EHR_PULL_V1,
  contentType: 'application/json',
  payload: EhrPullPayload,
  description:
    'Asks the EHR adapter to search an integration’s FHIR server for resources changed since a time and ' +
    'publish each to fhir.r4.inbound.v1. Answered on ehr.results.v1 by a command result with the jobId, ' +
    'counters and the watermark to pull from next. Keyed by integration id.',
  example: {
    jobId: 'c2d4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f',
    integrationId: 'int-goodhealth-ehr',
    resourceTypes: ['Patient', 'Encounter'],
    since: '2025-01-14T08:00:00.000Z',
    requestedAt: '2025-01-14T08:30:00.000Z',
  },
  schema: EHR_PULL_SCHEMA,
};
