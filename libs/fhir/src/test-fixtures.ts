/// <reference types="fhir" />
// Valid R4 resources of the kinds the transformer produces, and a transaction Bundle of them.
// Every builder returns a fresh object, so a test can break one freely. The values are invented.

export const PATIENT_UUID = 'urn:uuid:0b1c4a6e-2f0d-4d8e-9a51-6c0f3e1d2a01';
export const PRACTITIONER_UUID = 'urn:uuid:0b1c4a6e-2f0d-4d8e-9a51-6c0f3e1d2a02';
export const ENCOUNTER_UUID = 'urn:uuid:0b1c4a6e-2f0d-4d8e-9a51-6c0f3e1d2a03';
export const SERVICE_REQUEST_UUID = 'urn:uuid:0b1c4a6e-2f0d-4d8e-9a51-6c0f3e1d2a04';
const OBSERVATION_UUIDS = [
  'urn:uuid:0b1c4a6e-2f0d-4d8e-9a51-6c0f3e1d2a05',
  'urn:uuid:0b1c4a6e-2f0d-4d8e-9a51-6c0f3e1d2a06',
  'urn:uuid:0b1c4a6e-2f0d-4d8e-9a51-6c0f3e1d2a07',
];

const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const MRN_SYSTEM = 'urn:oid:1.2.36.146.595.217.0.1';

const patientRef = (): fhir4.Reference => ({ reference: PATIENT_UUID });
const encounterRef = (): fhir4.Reference => ({ reference: ENCOUNTER_UUID });

export function patient(): fhir4.Patient {
  return {
    resourceType: 'Patient',
    meta: {
      lastUpdated: '2026-01-05T09:30:00.000Z',
      profile: ['http://hl7.org/fhir/StructureDefinition/Patient'],
    },
    identifier: [
      {
        use: 'usual',
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
        system: MRN_SYSTEM,
        value: 'MRN-4711',
      },
    ],
    active: true,
    name: [{ use: 'official', family: 'Quinterra', given: ['Ada', 'Maren'] }],
    telecom: [{ system: 'phone', value: '+41 44 000 00 00', use: 'home' }],
    gender: 'female',
    birthDate: '1980-02-29',
    _birthDate: {
      extension: [
        {
          url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime',
          valueDateTime: '1980-02-29T04:12:00+01:00',
        },
      ],
    },
    address: [{ use: 'home', line: ['Bahnhofstrasse 1'], city: 'Zurich', postalCode: '8001', country: 'CH' }],
    maritalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M' }],
    },
    communication: [
      { language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'de-CH' }] }, preferred: true },
    ],
  };
}

export function practitioner(): fhir4.Practitioner {
  return {
    resourceType: 'Practitioner',
    identifier: [{ system: 'urn:oid:2.51.1.3', value: '7601000000000' }],
    name: [{ family: 'Okonkwo', given: ['Bram'], prefix: ['Dr.'] }],
  };
}

export function encounter(): fhir4.Encounter {
  return {
    resourceType: 'Encounter',
    status: 'in-progress',
    class: {
      system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
      code: 'IMP',
      display: 'inpatient encounter',
    },
    subject: patientRef(),
    participant: [{ individual: { reference: PRACTITIONER_UUID } }],
    period: { start: '2026-01-05T08:00:00+01:00', end: '2026-01-07T10:00:00+01:00' },
    location: [{ location: { display: 'Ward 3' } }],
  };
}

/** Observation with a Quantity value, reference range and a component (Observation.component.referenceRange is a contentReference). */
export function observationQuantity(): fhir4.Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' },
        ],
      },
    ],
    code: { coding: [{ system: LOINC, code: '2345-7', display: 'Glucose' }] },
    subject: patientRef(),
    encounter: encounterRef(),
    effectiveDateTime: '2026-01-05T09:15:00+01:00',
    issued: '2026-01-05T09:45:12.123+01:00',
    valueQuantity: { value: 5.4, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
    interpretation: [
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'N' }],
      },
    ],
    referenceRange: [{ low: { value: 3.9, unit: 'mmol/L' }, high: { value: 6.1, unit: 'mmol/L' } }],
    component: [
      {
        code: { text: 'fasting' },
        valueBoolean: true,
        referenceRange: [{ text: 'n/a' }],
      },
    ],
  };
}

export function observationCodeableConcept(): fhir4.Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: LOINC, code: '883-9', display: 'ABO group' }] },
    subject: patientRef(),
    effectivePeriod: { start: '2026-01-05', end: '2026-01-05' },
    valueCodeableConcept: { coding: [{ system: SNOMED, code: '112144000', display: 'Blood group A' }] },
  };
}

export function observationString(): fhir4.Observation {
  return {
    resourceType: 'Observation',
    status: 'preliminary',
    code: { text: 'Microscopy comment' },
    subject: patientRef(),
    valueString: 'No organisms seen.',
    note: [{ text: '**Reviewed** by the lab.', time: '2026-01-05T10:00:00Z' }],
  };
}

export function diagnosticReport(): fhir4.DiagnosticReport {
  return {
    resourceType: 'DiagnosticReport',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB' }] }],
    code: { coding: [{ system: LOINC, code: '24323-8', display: 'Comprehensive metabolic panel' }] },
    subject: patientRef(),
    basedOn: [{ reference: SERVICE_REQUEST_UUID }],
    effectiveDateTime: '2026-01-05T09:15:00+01:00',
    issued: '2026-01-05T11:00:00Z',
    result: OBSERVATION_UUIDS.map((reference) => ({ reference })),
    conclusion: 'Within normal limits.',
  };
}

export function serviceRequest(): fhir4.ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ system: LOINC, code: '24323-8' }] },
    subject: patientRef(),
    encounter: encounterRef(),
    authoredOn: '2026-01-05T08:30:00+01:00',
    requester: { reference: PRACTITIONER_UUID },
    occurrenceTiming: { repeat: { frequency: 1, period: 1, periodUnit: 'd', count: 3 } },
  };
}

export function appointment(): fhir4.Appointment {
  return {
    resourceType: 'Appointment',
    status: 'booked',
    start: '2026-02-01T09:00:00+01:00',
    end: '2026-02-01T09:30:00+01:00',
    minutesDuration: 30,
    participant: [
      { actor: patientRef(), required: 'required', status: 'accepted' },
      { actor: { reference: PRACTITIONER_UUID }, status: 'accepted' },
    ],
  };
}

export function documentReference(): fhir4.DocumentReference {
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    docStatus: 'final',
    type: { coding: [{ system: LOINC, code: '11506-3', display: 'Progress note' }] },
    subject: patientRef(),
    date: '2026-01-05T12:00:00.000+01:00',
    content: [
      {
        attachment: {
          contentType: 'text/plain; charset=utf-8',
          language: 'de-CH',
          data: 'UHJvZ3Jlc3Mgbm90ZQ==',
          size: 13,
          title: 'Progress note',
          creation: '2026-01-05T12:00:00+01:00',
        },
      },
    ],
    context: { encounter: [encounterRef()] },
  };
}

export function allergyIntolerance(): fhir4.AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
      ],
    },
    verificationStatus: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
          code: 'confirmed',
        },
      ],
    },
    type: 'allergy',
    category: ['medication'],
    criticality: 'high',
    code: { coding: [{ system: SNOMED, code: '373270004', display: 'Penicillin' }] },
    patient: patientRef(),
    onsetDateTime: '2010',
    reaction: [{ manifestation: [{ text: 'Hives' }], severity: 'moderate' }],
  };
}

export function condition(): fhir4.Condition {
  return {
    resourceType: 'Condition',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    verificationStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
    },
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' },
        ],
      },
    ],
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'E11.9' }] },
    subject: patientRef(),
    encounter: encounterRef(),
    onsetPeriod: { start: '2019-03', end: '2019-04-15' },
    recordedDate: '2026-01-05',
  };
}

export function coverage(): fhir4.Coverage {
  return {
    resourceType: 'Coverage',
    status: 'active',
    subscriberId: 'INS-99',
    beneficiary: patientRef(),
    relationship: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: 'self' }],
    },
    period: { start: '2026-01-01' },
    payor: [
      { reference: 'Organization?identifier=urn:oid:2.16.756.5.30.1.123.100.1.1|8080', display: 'Insurer' },
    ],
    class: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-class', code: 'plan' }] },
        value: 'BASIC',
      },
    ],
  };
}

export function relatedPerson(): fhir4.RelatedPerson {
  return {
    resourceType: 'RelatedPerson',
    patient: patientRef(),
    relationship: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'MTH' }] },
    ],
    name: [{ family: 'Quinterra', given: ['Lea'] }],
    gender: 'female',
    period: { start: '1980-02-29' },
  };
}

export function provenance(targets: string[] = [PATIENT_UUID, ENCOUNTER_UUID]): fhir4.Provenance {
  return {
    resourceType: 'Provenance',
    target: targets.map((reference) => ({ reference })),
    recorded: '2026-01-05T12:00:00.123Z',
    activity: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'CREATE' }],
    },
    agent: [
      {
        type: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
              code: 'assembler',
            },
          ],
        },
        who: { display: 'Meridian transformer' },
      },
    ],
    entity: [
      { role: 'source', what: { identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.3.4' } } },
    ],
  };
}

/** A 15-entry transaction: conditional create of the patient, creates for the rest, urn:uuid references between them. */
export function transactionBundle(): fhir4.Bundle {
  const entry = (
    fullUrl: string,
    resource: fhir4.FhirResource,
    url = resource.resourceType,
  ): fhir4.BundleEntry => ({
    fullUrl,
    resource,
    request: { method: 'POST', url },
  });
  const uuid = (n: number) => `urn:uuid:0b1c4a6e-2f0d-4d8e-9a51-6c0f3e1d2b${String(n).padStart(2, '0')}`;
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    timestamp: '2026-01-05T12:00:01Z',
    entry: [
      {
        fullUrl: PATIENT_UUID,
        resource: patient(),
        request: { method: 'PUT', url: `Patient?identifier=${MRN_SYSTEM}|MRN-4711` },
      },
      {
        fullUrl: PRACTITIONER_UUID,
        resource: practitioner(),
        request: {
          method: 'POST',
          url: 'Practitioner',
          ifNoneExist: 'identifier=urn:oid:2.51.1.3|7601000000000',
        },
      },
      entry(ENCOUNTER_UUID, encounter()),
      entry(OBSERVATION_UUIDS[0], observationQuantity()),
      entry(OBSERVATION_UUIDS[1], observationCodeableConcept()),
      entry(OBSERVATION_UUIDS[2], observationString()),
      entry(uuid(1), diagnosticReport()),
      entry(SERVICE_REQUEST_UUID, serviceRequest()),
      entry(uuid(2), appointment()),
      entry(uuid(3), documentReference()),
      entry(uuid(4), allergyIntolerance()),
      entry(uuid(5), condition()),
      entry(uuid(6), coverage()),
      entry(uuid(7), relatedPerson()),
      entry(uuid(8), provenance()),
    ],
  };
}

/** A fixture seen as plain JSON, to break it in ways its TypeScript type forbids. */
export function json(value: unknown): Record<string, unknown> {
  return value as Record<string, unknown>;
}
