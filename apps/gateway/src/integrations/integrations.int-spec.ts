import type { INestApplication } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { allTopicDefinitions, CE, INTEGRATION_CONFIG_V1, TOPICS } from '@meridian/contracts';
import { provisionTopics, readTopic, type StoredRecord } from '@meridian/kafka';
import { IntegrationConfigView, startService, type ServiceDefinition } from '@meridian/platform';
import { createCipherSuite, generateEncryptionKey, parseEncryptionKeys } from '@meridian/security';
import { eventually, testKafka } from '@meridian/testing';
import { gatewayService } from '../app.module';
import { credentialsAad } from './integrations.service';

const KEYS = `k1:${generateEncryptionKey()}`;

/** A service that keeps integration configurations, as the orchestrator and the EHR adapter declare. */
const follower: ServiceDefinition = {
  name: 'orchestrator',
  defaultPort: 0,
  imports: [],
  integrationConfigs: true,
};
const SECRET = 'client-secret-that-must-never-leave';

const integration = (overrides: Record<string, unknown> = {}) => ({
  facility: 'GOODHEALTH',
  systemType: 'ehr',
  systemName: 'Good Health EHR',
  vendor: 'Example Health Systems',
  connection: {
    type: 'fhir',
    endpoint: 'https://ehr.goodhealth.example/fhir/r4',
    authentication: {
      type: 'oauth2',
      tokenUrl: 'https://ehr.goodhealth.example/oauth2/token',
      clientId: 'meridian',
      scope: 'system/*.read',
    },
    timeout: 15000,
    retryPolicy: { maxAttempts: 5, backoff: 'exponential', base: 500 },
  },
  dataMapping: {
    outbound: { fields: [{ source: 'name[0].family', target: 'lastName', transform: 'uppercase' }] },
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
  monitoring: { errorThresholdPercentage: 50, volumeThreshold: 10, resetTimeout: 30000 },
  credentials: { clientSecret: SECRET },
  ...overrides,
});

describe('integration configuration: API, outbox, config topic, and every service’s view', () => {
  let gateway: INestApplication;
  let orchestrator: INestApplication;
  let api: string;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    const env = {
      ...process.env,
      PORT: '0',
      MLLP_PORT: '-1',
      LOG_LEVEL: 'error',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
    };
    ({ app: gateway } = await startService(gatewayService, {
      env: { ...env, CREDENTIALS_KEYS: KEYS },
      handleSignals: false,
    }));
    ({ app: orchestrator } = await startService(follower, { env, handleSignals: false }));
    api = `${(await gateway.getUrl()).replace('[::1]', '127.0.0.1')}/api/v1/integrations`;
  });

  afterAll(async () => {
    await orchestrator?.close();
    await gateway?.close();
    await admin?.disconnect();
  });

  const send = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const configRecords = async (id: string): Promise<StoredRecord[]> =>
    (
      await eventually(() => readTopic(kafka, admin, TOPICS.integrationConfig.name), { what: 'config topic' })
    ).filter((r) => r.message.key?.toString() === id);

  it('creates, announces, updates with If-Match and deletes, and the orchestrator follows without a restart', async () => {
    const created = await send('POST', api, integration());
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const view = (await created.json()) as { id: string; version: number; credentialsSet: boolean };
    expect(view).toMatchObject({ version: 1, credentialsSet: true, facility: 'GOODHEALTH' });
    expect(JSON.stringify(view)).not.toContain(SECRET);
    expect(created.headers.get('location')).toBe(`/api/v1/integrations/${view.id}`);

    const fetched = await send('GET', `${api}/${view.id}`);
    expect(fetched.status).toBe(200);
    expect(JSON.stringify(await fetched.json())).not.toContain(SECRET);
    const listed = (await (await send('GET', `${api}?facility=GOODHEALTH&active=true`)).json()) as {
      id: string;
    }[];
    expect(listed.map((i) => i.id)).toContain(view.id);

    // On Kafka: the record, sealed credentials that open only with the key and this integration's id.
    const [record] = await eventually(
      async () => {
        const found = await configRecords(view.id);
        return found.length > 0 ? found : undefined;
      },
      { what: 'the config record' },
    );
    expect(record.message.headers?.[CE.type]?.toString()).toBe(INTEGRATION_CONFIG_V1);
    const value = record.message.value?.toString() ?? '';
    expect(value).not.toContain(SECRET);
    const payload = JSON.parse(value) as { version: number; credentials: string };
    expect(payload.version).toBe(1);
    const cipher = createCipherSuite(parseEncryptionKeys(KEYS), 'k1');
    expect(cipher.decryptJson(payload.credentials, credentialsAad(view.id))).toEqual({
      clientSecret: SECRET,
    });
    expect(() => cipher.decrypt(payload.credentials, credentialsAad('another-integration'))).toThrow();

    const configs = orchestrator.get(IntegrationConfigView);
    await eventually(() => (configs.get(view.id)?.version === 1 ? true : undefined), {
      what: 'version 1 in the view',
    });

    // Update without credentials keeps them; the orchestrator sees version 2 without a restart.
    const { credentials: _omitted, ...withoutCredentials } = integration({
      systemName: 'Good Health EHR (new)',
    });
    const updated = await send('PUT', `${api}/${view.id}`, withoutCredentials, { 'if-match': '"1"' });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({
      version: 2,
      credentialsSet: true,
      systemName: 'Good Health EHR (new)',
    });
    await eventually(
      () => (configs.get(view.id)?.systemName === 'Good Health EHR (new)' ? true : undefined),
      {
        what: 'version 2 in the view',
      },
    );
    expect(configs.get(view.id)?.credentials).toBeDefined();

    const stale = await send('PUT', `${api}/${view.id}`, withoutCredentials, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);

    expect((await send('DELETE', `${api}/${view.id}`)).status).toBe(204);
    expect((await send('GET', `${api}/${view.id}`)).status).toBe(404);
    await eventually(() => (configs.get(view.id) === undefined ? true : undefined), {
      what: 'removal from the view',
    });
    const records = await configRecords(view.id);
    expect(records.map((r) => (r.message.value === null ? 'tombstone' : 'config'))).toEqual([
      'config',
      'config',
      'tombstone',
    ]);
  });

  it('refuses a bad body with every problem named, and stores nothing', async () => {
    const count = async (): Promise<number> => ((await (await send('GET', api)).json()) as unknown[]).length;
    const before = await count();
    const response = await send(
      'POST',
      api,
      integration({
        facility: '',
        dataMapping: { outbound: { fields: [{ source: 'name', target: 'x', transform: 'lowercas' }] } },
        credentials: { password: 'wrong-field' },
        synchronization: { ...integration().synchronization, timeZone: 'Mars/Olympus' },
      }),
    );
    expect(response.status).toBe(400);
    const body = JSON.stringify(await response.json());
    expect(body).toContain('facility');
    expect(body).not.toContain('wrong-field');
    const second = await send(
      'POST',
      api,
      integration({
        dataMapping: { outbound: { fields: [{ source: 'name', target: 'x', transform: 'lowercas' }] } },
        credentials: { password: 'wrong-field' },
        synchronization: { ...integration().synchronization, timeZone: 'Mars/Olympus' },
      }),
    );
    expect(second.status).toBe(400);
    const problems = ((await second.json()) as { message: string[] }).message;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dataMapping\.outbound\.fields\[0\]\.transform.*unknown transform/),
        'synchronization.timeZone: unknown IANA time zone',
        'credentials.password: not a secret of oauth2 authentication',
        'credentials.clientSecret: required for oauth2 authentication',
      ]),
    );
    expect(JSON.stringify(problems)).not.toContain('wrong-field');
    const unknown = await send('POST', api, integration({ integrationId: 'chosen-by-client', bogus: 1 }));
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { message: string[] }).message).toEqual(
      expect.arrayContaining(['property integrationId should not exist', 'property bogus should not exist']),
    );
    expect(await count()).toBe(before);
  });

  it('publishes its OpenAPI document', async () => {
    const base = api.replace('/api/v1/integrations', '');
    const document = (await (await fetch(`${base}/api/docs-json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/integrations', '/api/v1/integrations/{id}', '/api/v1/hl7']),
    );
  });
});
