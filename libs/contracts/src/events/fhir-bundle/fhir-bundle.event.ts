import type { EventTypeDefinition } from '../event-type-definition';
import { FhirBundlePayload } from './fhir-bundle.payload';
import { FHIR_BUNDLE_SCHEMA } from './fhir-bundle.schema';

export const FHIR_BUNDLE_V1 = 'org.meridian.fhir.bundle.v1';
export const FHIR_JSON_CONTENT_TYPE = 'application/fhir+json';

export const fhirBundleV1: EventTypeDefinition = {
  type: FHIR_BUNDLE_V1,
  contentType: FHIR_JSON_CONTENT_TYPE,
  payload: FhirBundlePayload,
  description:
    'Clinical data in canonical form: a FHIR R4 Bundle. On fhir.r4.inbound.v1 it is data arriving in ' +
    'the platform; on the *.commands.v1 topics a transaction bundle is the change to apply to a target system.',
  // Synthetic patient.
  example: {
    resourceType: 'Bundle',
    type: 'transaction',
    timestamp: '2025-01-14T08:30:00Z',
    entry: [
      {
        fullUrl: 'urn:uuid:0d7a7c6e-3b43-4a57-9a3e-8f1f0f5c2d10',
        resource: {
          resourceType: 'Patient',
          identifier: [{ system: 'urn:oid:2.16.840.1.113883.3.999.1', value: 'MRN-000123' }],
          name: [{ family: 'Doe', given: ['Jane'] }],
          gender: 'female',
          birthDate: '1980-01-01',
        },
        request: { method: 'PUT', url: 'Patient?identifier=urn:oid:2.16.840.1.113883.3.999.1|MRN-000123' },
      },
      {
        fullUrl: 'urn:uuid:5c1e2b8a-6f0d-4c3a-b8e2-2a9d7c4f1e33',
        resource: {
          resourceType: 'Encounter',
          status: 'in-progress',
          class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
          subject: { reference: 'urn:uuid:0d7a7c6e-3b43-4a57-9a3e-8f1f0f5c2d10' },
        },
        request: { method: 'POST', url: 'Encounter' },
      },
    ],
  },
  schema: FHIR_BUNDLE_SCHEMA,
};
