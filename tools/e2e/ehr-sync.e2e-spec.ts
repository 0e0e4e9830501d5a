/**
 * End to end, HL7 in, FHIR server out: an MLLP client → the built gateway, transformer, orchestrator
 * and EHR adapter processes → the run's real FHIR R4 server (HAPI), with both integrations
 * registered through the gateway's API.
 */
import { randomUUID } from 'node:crypto';
import { allTopicDefinitions, CE, TOPICS } from '@meridian/contracts';
import { provisionTopics, readTopic } from '@meridian/kafka';
import {
  eventually,
  FHIR_SERVER_TIMEOUT_MS,
  fhirServer,
  freePort,
  MllpClient,
  readAck,
  startBuiltServices,
  stopBuiltServices,
  testKafka,
  uniqueIdentifierSystem,
  type RunningService,
} from '@meridian/testing';

const unique = (prefix: string): string =>
  `${prefix}${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;

interface SearchSet {
  total?: number;
  entry?: {
    resource: {
      id: string;
      name?: { family?: string; given?: string[] }[];
      subject?: { reference?: string };
    };
  }[];
}

/** One facility's patient: its ADT messages and where to find them on the FHIR server. */
interface Scenario {
  facility: string;
  system: string;
  mrn: string;
  visit: string;
}

const scenario = (): Scenario => ({
  facility: unique('FAC'),
  system: uniqueIdentifierSystem('mrn'),
  mrn: unique('MRN'),
  visit: unique('V'),
});

const adt = ({ facility, mrn, visit }: Scenario, event: 'A01' | 'A08', family: string): string =>
  [
    `MSH|^~\\&|ADT1|${facility}|MERIDIAN|MERIDIAN|20260401090000||ADT^${event}^ADT_A01|${unique('C')}|P|2.5.1`,
    `EVN|${event}|20260401090000`,
    `PID|1||${mrn}^^^${facility}^MR||${family}^ALEX||19800101|F`,
    `PV1|1|I|W^101^1^${facility}||||||||||||||||${visit}^^^${facility}^VN|||||||||||||||||||||||||20260401083000`,
  ].join('\r') + '\r';

describe('HL7 ADT over MLLP to a real FHIR server (built services)', () => {
  const services: RunningService[] = [];
  const main = scenario();
  let fhir: string;
  let mllpPort: number;
  let api: string;

  const search = async (query: string): Promise<SearchSet> =>
    (await (
      await fetch(`${fhir}/${query}`, { headers: { accept: 'application/fhir+json' } })
    ).json()) as SearchSet;
  const patientsOf = ({ system, mrn }: Scenario) =>
    search(`Patient?identifier=${encodeURIComponent(`${system}|${mrn}`)}`);
  const patients = () => patientsOf(main);
  const encounters = () =>
    search(`Encounter?identifier=${encodeURIComponent(`${main.system}|${main.visit}`)}`);

  const send = async (message: string): Promise<void> => {
    const client = await MllpClient.connect(mllpPort);
    expect(readAck(await client.request(message)).code).toBe('AA');
    client.close();
  };

  beforeAll(async () => {
    fhir = await fhirServer();
    const admin = testKafka().admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    await admin.disconnect();
    mllpPort = await freePort();
    const env = {
      ...process.env,
      LOG_LEVEL: 'warn',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      OUTBOUND_ALLOW_LIST: '127.0.0.1',
      OUTBOUND_ALLOW_HTTP: 'true',
    };
    services.push(
      ...(await startBuiltServices(['gateway', 'transformer', 'orchestrator', 'ehr-adapter'], env, {
        gateway: { MLLP_PORT: String(mllpPort) },
      })),
    );
    api = `http://127.0.0.1:${services[0].port}/api/v1`;
    await registerFacility(main, 'source_wins');
  }, FHIR_SERVER_TIMEOUT_MS);

  /** The facility's ADT feed and its EHR (this run's FHIR server), through the gateway's API; returns the EHR's id. */
  async function registerFacility(
    { facility, system }: Scenario,
    conflictResolution: string,
    direction = 'outbound',
  ): Promise<string> {
    const register = async (body: object): Promise<string> => {
      const response = await fetch(`${api}/integrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    const retryPolicy = { maxAttempts: 3, backoff: 'exponential', base: 200 };
    await register({
      facility,
      systemType: 'ehr',
      systemName: 'ADT feed',
      connection: {
        type: 'hl7',
        endpoint: 'adt.example:2575',
        authentication: { type: 'none' },
        timeout: 5000,
        retryPolicy,
      },
      synchronization: {
        enabled: true,
        direction: 'inbound',
        frequency: 'real_time',
        conflictResolution: 'source_wins',
      },
      hl7: { identifierSystems: { [facility]: system } },
    });
    return register({
      facility,
      systemType: 'ehr',
      systemName: 'The hospital EHR',
      connection: {
        type: 'fhir',
        endpoint: fhir,
        authentication: { type: 'none' },
        timeout: 10000,
        retryPolicy,
      },
      synchronization: {
        enabled: true,
        direction,
        frequency: 'on_demand',
        conflictResolution,
        resourceTypes: ['Patient', 'Encounter'],
      },
    });
  }

  afterAll(async () => {
    await stopBuiltServices(services);
  });

  it('admits the patient once, however often the admission is sent, and an A08 updates them', async () => {
    // The integrations reach the transformer and orchestrator through Kafka; resend (new control ids)
    // until the patient appears, as a sender would after an outage.
    const admitted = await eventually(
      async () => {
        await send(adt(main, 'A01', 'RIVERA'));
        const found = await eventually(async () => ((await patients()).total ?? 0) > 0 || undefined, {
          timeoutMs: 20_000,
        }).catch(() => undefined);
        return found ? patients() : undefined;
      },
      {
        timeoutMs: 120_000,
        intervalMs: 1_000,
        what: () =>
          `the Patient on the FHIR server (${services.map((s) => `${s.name}: ${s.output.join('').slice(-1500)}`).join('\n')})`,
      },
    );
    expect(admitted.total).toBe(1);
    const patientId = admitted.entry?.[0].resource.id;
    const stay = await eventually(async () => ((await encounters()).total === 1 ? encounters() : undefined), {
      what: 'the Encounter',
    });
    expect(stay.entry?.[0].resource.subject?.reference).toBe(`Patient/${patientId}`);

    // Twice more, as a new message each time: the conditional requests make it change nothing.
    await send(adt(main, 'A01', 'RIVERA'));
    await send(adt(main, 'A01', 'RIVERA'));
    // An A08 after them proves the pipeline has applied everything sent before it (one patient, one key, in order).
    await send(adt(main, 'A08', 'RIVERA-LOPEZ'));
    const updated = await eventually(
      async () => {
        const set = await patients();
        return set.entry?.[0].resource.name?.[0].family === 'RIVERA-LOPEZ' ? set : undefined;
      },
      { timeoutMs: 60_000, what: 'the A08 applied' },
    );
    expect(updated.total).toBe(1);
    expect(updated.entry?.[0].resource.id).toBe(patientId);
    expect((await encounters()).total).toBe(1);
  }, 300_000);

  describe('a change made on the FHIR server between two syncs', () => {
    interface PatientResource {
      id: string;
      meta?: { versionId?: string };
      name?: { family?: string }[];
      telecom?: { system?: string; value?: string }[];
    }
    interface ConflictView {
      conflictId: string;
      status: 'open' | 'resolved';
      strategy: string;
      fields?: string[];
      resolution?: { action: string; resolvedBy: string };
    }
    const phone = [{ system: 'phone', value: '555-0142', use: 'home' }];

    const patientOf = async (place: Scenario): Promise<PatientResource | undefined> =>
      (await patientsOf(place)).entry?.[0]?.resource as PatientResource | undefined;

    const conflictsOf = async (integrationId: string): Promise<ConflictView[]> =>
      (await (await fetch(`${api}/integrations/${integrationId}/conflicts`)).json()) as ConflictView[];

    /** The orchestrator's steps for an integration: how many commands it routed, how many answers it took in. */
    async function steps(integrationId: string): Promise<{ routed: number; completed: number }> {
      const kafka = testKafka();
      const admin = kafka.admin();
      await admin.connect();
      try {
        const records = await readTopic(kafka, admin, TOPICS.integrationEvents.name);
        const ours = records
          .filter((r) => r.message.headers?.[CE.integrationId]?.toString() === integrationId)
          .map((r) => JSON.parse(r.message.value?.toString() ?? '{}') as { step: string });
        return {
          routed: ours.filter((s) => s.step === 'orchestrator.route').length,
          completed: ours.filter((s) => s.step === 'orchestrator.complete').length,
        };
      } finally {
        await admin.disconnect();
      }
    }

    /**
     * Admits a patient (A01), lets a user of the EHR add a phone number directly on the server, then
     * sends a name change (A08): our write, made with If-Match on the version we wrote, is refused,
     * and the integration's strategy decides. Returns the EHR integration and its conflict.
     */
    async function conflictUnder(
      strategy: string,
      place: Scenario,
    ): Promise<{ ehr: string; conflict: ConflictView }> {
      const ehr = await registerFacility(place, strategy);
      const admitted = await eventually(
        async () => {
          await send(adt(place, 'A01', 'NAKAMURA'));
          return eventually(() => patientOf(place), { timeoutMs: 20_000 }).catch(() => undefined);
        },
        { timeoutMs: 120_000, intervalMs: 1_000, what: `the ${strategy} patient` },
      );
      // "Between two syncs": the orchestrator has the answer to every admission it sent, so it knows
      // the version it wrote. (A change made while its own write is in flight is not detected.)
      let counted = { routed: 0, completed: 0 };
      await eventually(
        async () => {
          counted = await steps(ehr);
          return counted.routed > 0 && counted.completed === counted.routed ? true : undefined;
        },
        {
          timeoutMs: 60_000,
          what: () =>
            `the ${strategy} admission answered (${JSON.stringify(counted)}; ${services.map((s) => `${s.name}: ${s.output.join('').slice(-1500)}`).join('\n')})`,
        },
      );
      // The EHR's user edits the record: a new version the orchestrator has not seen.
      const edited = await fetch(`${fhir}/Patient/${admitted.id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify({ ...admitted, telecom: phone }),
      });
      expect(edited.status).toBe(200);
      await send(adt(place, 'A08', 'NAKAMURA-SILVA'));
      const [conflict] = await eventually(
        async () => {
          const found = await conflictsOf(ehr);
          return found.length > 0 ? found : undefined;
        },
        {
          timeoutMs: 60_000,
          what: () =>
            `the ${strategy} conflict (${services.map((s) => `${s.name}: ${s.output.join('').slice(-1500)}`).join('\n')})`,
        },
      );
      expect(conflict.fields).toEqual(expect.arrayContaining(['name', 'telecom']));
      return { ehr, conflict };
    }

    /** The patient once the server holds what `settled` accepts. */
    const settledPatient = (place: Scenario, settled: (patient: PatientResource) => boolean) =>
      eventually(
        async () => {
          const patient = await patientOf(place);
          return patient && settled(patient) ? patient : undefined;
        },
        { timeoutMs: 60_000, what: 'the settled patient' },
      );

    it('source_wins: our name change is written over the EHR’s edit', async () => {
      const place = scenario();
      const { conflict } = await conflictUnder('source_wins', place);
      expect(conflict).toMatchObject({
        status: 'resolved',
        resolution: { action: 'source_wins', resolvedBy: 'orchestrator' },
      });
      const patient = await settledPatient(place, (p) => p.name?.[0].family === 'NAKAMURA-SILVA');
      expect(patient.telecom).toBeUndefined();
    }, 300_000);

    it('dest_wins: the EHR’s edit stands and our change is dropped', async () => {
      const place = scenario();
      const { conflict } = await conflictUnder('dest_wins', place);
      expect(conflict).toMatchObject({ status: 'resolved', resolution: { action: 'dest_wins' } });
      const patient = await settledPatient(place, (p) => p.telecom !== undefined);
      expect(patient.name?.[0].family).toBe('NAKAMURA');
      expect(patient.telecom).toEqual(phone);
    }, 300_000);

    it('newest_wins: the EHR’s edit is newer than the message, so it stands', async () => {
      const place = scenario();
      const { conflict } = await conflictUnder('newest_wins', place);
      expect(conflict).toMatchObject({ status: 'resolved', resolution: { action: 'newest_wins' } });
      expect((await settledPatient(place, (p) => p.telecom !== undefined)).name?.[0].family).toBe('NAKAMURA');
    }, 300_000);

    it('merge: the EHR’s phone and our name change are both kept', async () => {
      const place = scenario();
      const { conflict } = await conflictUnder('merge', place);
      expect(conflict).toMatchObject({ status: 'resolved', resolution: { action: 'merge' } });
      const patient = await settledPatient(place, (p) => p.name?.[0].family === 'NAKAMURA-SILVA');
      expect(patient.telecom).toEqual(phone);
    }, 300_000);

    it('manual: held until a person resolves it through the API, and audited', async () => {
      const place = scenario();
      const { ehr, conflict } = await conflictUnder('manual', place);
      expect(conflict.status).toBe('open');
      // Nothing is written while it waits.
      expect((await patientOf(place))?.name?.[0].family).toBe('NAKAMURA');

      const detail = (await (await fetch(`${api}/conflicts/${conflict.conflictId}`)).json()) as {
        local: PatientResource;
        external: PatientResource;
      };
      expect(detail.local.name?.[0].family).toBe('NAKAMURA-SILVA');
      expect(detail.external.telecom).toEqual(phone);

      const resolved = await fetch(`${api}/conflicts/${conflict.conflictId}/resolve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-meridian-user': 'registrar.kim' },
        body: JSON.stringify({ action: 'merge', fields: { name: 'local', telecom: 'external' } }),
      });
      expect(resolved.status).toBe(202);
      const patient = await settledPatient(place, (p) => p.name?.[0].family === 'NAKAMURA-SILVA');
      expect(patient.telecom).toEqual(phone);
      const [audited] = await eventually(
        async () => {
          const found = await conflictsOf(ehr);
          return found[0]?.status === 'resolved' ? found : undefined;
        },
        { what: 'the audited resolution' },
      );
      expect(audited.resolution).toMatchObject({ action: 'merge', resolvedBy: 'registrar.kim' });
    }, 300_000);
  });

  it('pulls what changed on the EHR when asked through the API, and the next pull starts where it stopped', async () => {
    const place = scenario();
    const ehr = await registerFacility(place, 'source_wins', 'bidirectional');
    await eventually(
      async () => {
        await send(adt(place, 'A01', 'OKAFOR'));
        return eventually(async () => ((await patientsOf(place)).total ?? 0) > 0 || undefined, {
          timeoutMs: 20_000,
        }).catch(() => undefined);
      },
      { timeoutMs: 120_000, intervalMs: 1_000, what: 'the patient to pull' },
    );
    interface Job {
      status: string;
      counters: { fetched: number; published: number; skipped: number };
      since?: string;
      watermark?: string;
    }
    const runJob = async (): Promise<Job> => {
      const accepted = await fetch(`${api}/integrations/${ehr}/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(accepted.status).toBe(202);
      const { jobId } = (await accepted.json()) as { jobId: string };
      return eventually(
        async () => {
          const job = (await (await fetch(`${api}/sync/jobs/${jobId}`)).json()) as Job;
          return job.status === 'completed' || job.status === 'failed' ? job : undefined;
        },
        { timeoutMs: 60_000, what: 'the sync job' },
      );
    };
    const first = await runJob();
    expect(first.status).toBe('completed');
    // This run's server holds other tests' patients too: at least ours was read and passed on.
    expect(first.counters.fetched).toBeGreaterThanOrEqual(1);
    expect(first.counters.published).toBeGreaterThanOrEqual(1);
    expect(first.watermark).toBeDefined();
    const second = await runJob();
    expect(second.status).toBe('completed');
    expect(second.since).toBe(first.watermark);
  }, 300_000);
});
