/**
 * End to end, HL7 in, FHIR server out: an MLLP client → the built gateway, transformer, orchestrator
 * and EHR adapter processes → the run's real FHIR R4 server (HAPI), with both integrations
 * registered through the gateway's API.
 */
import { randomUUID } from 'node:crypto';
import { allTopicDefinitions } from '@meridian/contracts';
import { provisionTopics } from '@meridian/kafka';
import {
  eventually,
  FHIR_SERVER_TIMEOUT_MS,
  fhirServer,
  freePort,
  getFrom,
  MllpClient,
  readAck,
  spawnBuiltService,
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

describe('HL7 ADT over MLLP to a real FHIR server (built services)', () => {
  const services: RunningService[] = [];
  const facility = unique('FAC');
  const system = uniqueIdentifierSystem('mrn');
  const mrn = unique('MRN');
  const visit = unique('V');
  let fhir: string;
  let mllpPort: number;

  const adt = (event: 'A01' | 'A08', family: string): string =>
    [
      `MSH|^~\\&|ADT1|${facility}|MERIDIAN|MERIDIAN|20260401090000||ADT^${event}^ADT_A01|${unique('C')}|P|2.5.1`,
      `EVN|${event}|20260401090000`,
      `PID|1||${mrn}^^^${facility}^MR||${family}^ALEX||19800101|F`,
      `PV1|1|I|W^101^1^${facility}||||||||||||||||${visit}^^^${facility}^VN|||||||||||||||||||||||||20260401083000`,
    ].join('\r') + '\r';

  const search = async (query: string): Promise<SearchSet> =>
    (await (
      await fetch(`${fhir}/${query}`, { headers: { accept: 'application/fhir+json' } })
    ).json()) as SearchSet;
  const patients = () => search(`Patient?identifier=${encodeURIComponent(`${system}|${mrn}`)}`);
  const encounters = () => search(`Encounter?identifier=${encodeURIComponent(`${system}|${visit}`)}`);

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
    services.push(await spawnBuiltService('gateway', { ...env, MLLP_PORT: String(mllpPort) }));
    for (const name of ['transformer', 'orchestrator', 'ehr-adapter'])
      services.push(await spawnBuiltService(name, env));
    for (const service of services) {
      await eventually(
        async () => ((await getFrom(service.port, '/health/ready')).status === 200 ? true : undefined),
        {
          timeoutMs: 90_000,
          what: () => `${service.name} ready (output: ${service.output.join('').slice(-2000)})`,
        },
      );
    }
    const api = `http://127.0.0.1:${services[0].port}/api/v1/integrations`;
    const register = async (body: object): Promise<void> => {
      const response = await fetch(api, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
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
    await register({
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
        direction: 'outbound',
        frequency: 'real_time',
        conflictResolution: 'source_wins',
        resourceTypes: ['Patient', 'Encounter'],
      },
    });
  }, FHIR_SERVER_TIMEOUT_MS);

  afterAll(async () => {
    const exits = services.map(
      (s) => new Promise<void>((resolve) => s.process.once('exit', () => resolve())),
    );
    for (const service of services) service.process.kill('SIGTERM');
    await Promise.all(exits);
  });

  it('admits the patient once, however often the admission is sent, and an A08 updates them', async () => {
    // The integrations reach the transformer and orchestrator through Kafka; resend (new control ids)
    // until the patient appears, as a sender would after an outage.
    const admitted = await eventually(
      async () => {
        await send(adt('A01', 'RIVERA'));
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
    await send(adt('A01', 'RIVERA'));
    await send(adt('A01', 'RIVERA'));
    // An A08 after them proves the pipeline has applied everything sent before it (one patient, one key, in order).
    await send(adt('A08', 'RIVERA-LOPEZ'));
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
});
