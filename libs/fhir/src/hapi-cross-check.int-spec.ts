import { FHIR_SERVER_TIMEOUT_MS, fhirServer, hapiErrors, hapiValidate } from '@meridian/testing';
import { validateFhirResource } from './fhir-validator';
import { PRACTITIONER_UUID, transactionBundle } from './test-fixtures';

// HAPI FHIR's R4 validator ($validate on the run's FHIR server) is the oracle: the transformer
// validates with libs/fhir before publishing, so a Bundle HAPI would refuse must fail here too
// (and dead-letter with a reason) instead of being refused by the EHR later. Faults are seeded one
// at a time into the valid 15-entry transaction Bundle; for each, both must report an error.

type Bundle = ReturnType<typeof transactionBundle>;
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const V2 = 'http://terminology.hl7.org/CodeSystem/';

/** The resource of the entry holding `resourceType` (the first one). */
function resourceOf(bundle: Bundle, resourceType: string): AnyJson {
  const entry = bundle.entry?.find((e) => e.resource?.resourceType === resourceType);
  if (!entry?.resource) throw new Error(`fixture has no ${resourceType}`);
  return entry.resource as AnyJson;
}

const faults: [name: string, seed: (bundle: Bundle) => void][] = [
  [
    'a code not in a v2 table',
    (b) => {
      resourceOf(b, 'Patient').identifier[0].type.coding[0].code = 'ZZZ';
    },
  ],
  [
    'a code not in a v2 table under an extensible binding (Encounter.type, v2-0007)',
    (b) => {
      resourceOf(b, 'Encounter').type = [{ coding: [{ system: `${V2}v2-0007`, code: '4' }] }];
    },
  ],
  [
    'a v3 code that does not exist (Encounter.class)',
    (b) => {
      resourceOf(b, 'Encounter').class.code = 'NOPE';
    },
  ],
  [
    'a code not in a required value set',
    (b) => {
      resourceOf(b, 'Patient').gender = 'femalex';
    },
  ],
  [
    'an invalid OID (urn:oid:2.4) as Identifier.system',
    (b) => {
      resourceOf(b, 'Patient').identifier[0].system = 'urn:oid:2.4';
    },
  ],
  [
    'an invalid OID (urn:oid:1.2.3) as Coding.system',
    (b) => {
      resourceOf(b, 'Patient').maritalStatus.coding[0].system = 'urn:oid:1.2.3';
    },
  ],
  [
    'an R5 cross-version extension',
    (b) => {
      resourceOf(b, 'DiagnosticReport').extension = [
        {
          url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-DiagnosticReport.note',
          valueAnnotation: { text: 'note' },
        },
      ];
    },
  ],
  [
    'a wrong value type for an R4 core extension',
    (b) => {
      resourceOf(b, 'Patient')._birthDate.extension[0] = {
        url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime',
        valueString: 'early morning',
      };
    },
  ],
  [
    'an R4 core extension out of its context',
    (b) => {
      resourceOf(b, 'Patient').extension = [
        {
          url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime',
          valueDateTime: '1980-02-29T04:12:00+01:00',
        },
      ];
    },
  ],
  [
    'an undefined sub-extension of a complex R4 core extension',
    (b) => {
      resourceOf(b, 'Patient').extension = [
        {
          url: 'http://hl7.org/fhir/StructureDefinition/patient-nationality',
          extension: [{ url: 'country', valueString: 'CH' }],
        },
      ];
    },
  ],
  [
    'a relative extension url',
    (b) => {
      resourceOf(b, 'Patient').extension = [{ url: 'z-segment', valueString: 'x' }];
    },
  ],
  [
    'a bad date',
    (b) => {
      resourceOf(b, 'Patient').birthDate = '1981-02-29';
    },
  ],
  [
    'an unknown element',
    (b) => {
      resourceOf(b, 'Patient').birthdate = '1980-02-29';
    },
  ],
  [
    // HAPI checks the target type only of references it resolves (here to the Bundle's
    // Practitioner); libs/fhir also refuses `Practitioner/p1`, which HAPI lets through unresolved.
    'a reference to a wrong type',
    (b) => {
      resourceOf(b, 'Observation').subject = { reference: PRACTITIONER_UUID };
    },
  ],
  [
    'a code a THO code system does not hold (observation-category)',
    (b) => {
      resourceOf(b, 'Observation').category[0].coding[0].code = 'lab';
    },
  ],
  [
    'a modifier extension sent as an extension',
    (b) => {
      resourceOf(b, 'ServiceRequest').extension = [
        { url: 'http://hl7.org/fhir/StructureDefinition/request-doNotPerform', valueBoolean: true },
      ];
    },
  ],
  [
    'a missing required element',
    (b) => {
      delete resourceOf(b, 'Observation').status;
    },
  ],
  [
    'a required code sent only as a data-absent-reason extension',
    (b) => {
      const observation = resourceOf(b, 'Observation');
      delete observation.status;
      observation._status = {
        extension: [
          { url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' },
        ],
      };
    },
  ],
  [
    'a Period whose start and end cannot be compared',
    (b) => {
      resourceOf(b, 'Encounter').period = { start: '2026-01', end: '2026-01-07' };
    },
  ],
  [
    'a UCUM Quantity whose code is not a unit',
    (b) => {
      resourceOf(b, 'Observation').valueQuantity.code = 'mmol/LL';
    },
  ],
  [
    'a Patient.contact without name, telecom, address or organization (pat-1)',
    (b) => {
      resourceOf(b, 'Patient').contact = [{ gender: 'female' }];
    },
  ],
  [
    'an Observation with both a value and a dataAbsentReason (obs-6)',
    (b) => {
      resourceOf(b, 'Observation').dataAbsentReason = {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown' }],
      };
    },
  ],
  [
    'an Appointment with a start and no end (app-2)',
    (b) => {
      delete resourceOf(b, 'Appointment').end;
    },
  ],
  [
    'an Identifier.system that is not http(s):, urn: or ldap:',
    (b) => {
      resourceOf(b, 'Practitioner').identifier[0].system = 'oid:2.51.1.3';
    },
  ],
];

describe('libs/fhir and HAPI FHIR agree (seeded faults)', () => {
  let baseUrl: string;

  beforeAll(async () => {
    baseUrl = await fhirServer();
  }, FHIR_SERVER_TIMEOUT_MS);

  it('both accept the unseeded Bundle', async () => {
    const bundle = transactionBundle();
    expect(hapiErrors(await hapiValidate(baseUrl, bundle))).toEqual([]);
    expect(validateFhirResource(bundle).issues.filter((issue) => issue.severity === 'error')).toEqual([]);
  });

  it.each(faults)('both refuse %s', async (_name, seed) => {
    const bundle = transactionBundle();
    seed(bundle);
    const hapi = hapiErrors(await hapiValidate(baseUrl, bundle));
    const ours = validateFhirResource(bundle);
    expect(hapi.length).toBeGreaterThan(0);
    expect(ours.valid).toBe(false);
  });
});
