// The gateway's sync API on the real broker and Postgres: jobs started through the API reach the
// orchestrator's topic; what the orchestrator reports on sync.events.v1 becomes queryable; conflicts
// are resolved through the API, once.
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import {
  allTopicDefinitions,
  createCloudEvent,
  SYNC_COMMAND_V1,
  SYNC_CONFLICT_V1,
  SYNC_JOB_V1,
  TOPICS,
  type SyncCommandPayload,
  type SyncConflictPayload,
  type SyncJobPayload,
} from '@meridian/contracts';
import { EventProducer, provisionTopics, readTopic } from '@meridian/kafka';
import { startService } from '@meridian/platform';
import { eventually, testKafka } from '@meridian/testing';
import { gatewayService } from '../app.module';

const integration = (synchronization: Record<string, unknown> = {}, active = true) => ({
  facility: 'GOODHEALTH',
  systemType: 'ehr',
  systemName: 'Good Health EHR',
  active,
  connection: {
    type: 'fhir',
    endpoint: 'https://ehr.goodhealth.example/fhir/r4',
    authentication: { type: 'none' },
    timeout: 15000,
    retryPolicy: { maxAttempts: 3, backoff: 'exponential', base: 500 },
  },
  synchronization: {
    enabled: true,
    direction: 'bidirectional',
    frequency: 'on_demand',
    conflictResolution: 'manual',
    resourceTypes: ['Patient'],
    ...synchronization,
  },
});

describe('sync API: jobs and conflicts over sync.commands.v1 and sync.events.v1', () => {
  let gateway: INestApplication;
  let base: string;
  let kafka: Kafka;
  let admin: Admin;
  let producer: EventProducer;

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    producer = new EventProducer(kafka);
    await producer.connect();
    ({ app: gateway } = await startService(gatewayService, {
      env: {
        ...process.env,
        PORT: '0',
        MLLP_PORT: '-1',
        LOG_LEVEL: 'error',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
      },
      handleSignals: false,
    }));
    base = `${(await gateway.getUrl()).replace('[::1]', '127.0.0.1')}/api/v1`;
  });

  afterAll(async () => {
    await gateway?.close();
    await producer?.disconnect();
    await admin?.disconnect();
  });

  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  async function createIntegration(body: object): Promise<string> {
    const response = await send('POST', '/integrations', body);
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  /** The commands on sync.commands.v1 for one integration, decoded. */
  async function commandsFor(integrationId: string): Promise<SyncCommandPayload[]> {
    const records = await readTopic(kafka, admin, TOPICS.syncCommands.name);
    return records
      .filter((r) => r.message.key?.toString() === integrationId)
      .map((r) => {
        expect(r.message.headers?.ce_type?.toString()).toBe(SYNC_COMMAND_V1);
        return JSON.parse(r.message.value?.toString() ?? '') as SyncCommandPayload;
      });
  }

  const publish = (integrationId: string, type: string, data: object) =>
    producer.publish(TOPICS.syncEvents.name, [
      {
        key: integrationId,
        event: createCloudEvent({
          source: '/meridian/orchestrator',
          type,
          integrationid: integrationId,
          data,
        }),
      },
    ]);

  it('starts a job: run-job on the topic, 202 with the job id, the job queryable at once and then as the orchestrator reports it', async () => {
    const id = await createIntegration(integration());
    const since = '2026-01-01T00:00:00.000Z';
    const response = await send('POST', `/integrations/${id}/sync`, { since }, { 'x-meridian-user': 'jdoe' });
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);

    const [command] = await eventually(
      async () => {
        const found = await commandsFor(id);
        return found.length > 0 ? found : undefined;
      },
      { what: 'the run-job command' },
    );
    expect(command).toMatchObject({
      command: 'run-job',
      integrationId: id,
      jobId,
      since,
      requestedBy: 'jdoe',
    });

    const queued = await send('GET', `/sync/jobs/${jobId}`);
    expect(queued.status).toBe(200);
    expect(await queued.json()).toMatchObject({ jobId, status: 'queued', trigger: 'on_demand', since });

    // The orchestrator's reports, the last two out of order: the highest sequence stays.
    const job = (sequence: number, status: SyncJobPayload['status'], published: number): SyncJobPayload => ({
      jobId,
      integrationId: id,
      trigger: 'on_demand',
      status,
      since,
      ...(status === 'completed' ? { watermark: '2026-01-02T10:00:00.123+00:00' } : {}),
      counters: { fetched: published + 1, published, skipped: 1 },
      createdAt: '2026-01-02T09:59:00.000Z',
      updatedAt: `2026-01-02T10:0${sequence}:00.000Z`,
      sequence,
    });
    await publish(id, SYNC_JOB_V1, job(1, 'running', 0));
    await publish(id, SYNC_JOB_V1, job(3, 'completed', 7));
    await publish(id, SYNC_JOB_V1, job(2, 'running', 3));
    // A later job on the same key (same partition): once it is stored, every record before it has been.
    const marker = randomUUID();
    await publish(id, SYNC_JOB_V1, {
      ...job(1, 'queued', 0),
      jobId: marker,
      trigger: 'scheduled',
      createdAt: '2026-01-02T12:00:00.000Z',
    });
    await eventually(
      async () => ((await send('GET', `/sync/jobs/${marker}`)).status === 200 ? true : undefined),
      {
        what: 'the marker job',
      },
    );
    const completed = (await (await send('GET', `/sync/jobs/${jobId}`)).json()) as object;
    expect(completed).toMatchObject({
      status: 'completed',
      watermark: '2026-01-02T10:00:00.123+00:00',
      counters: { fetched: 8, published: 7, skipped: 1 },
      updatedAt: '2026-01-02T10:03:00.000Z',
      requestedBy: 'jdoe',
    });
    const listed = (await (await send('GET', `/integrations/${id}/sync/jobs`)).json()) as Array<{
      jobId: string;
      status: string;
    }>;
    // Newest first: the scheduled job was created after the on-demand one.
    expect(listed).toEqual([
      expect.objectContaining({ jobId: marker, trigger: 'scheduled', status: 'queued' }),
      expect.objectContaining({ jobId, status: 'completed' }),
    ]);
  });

  it('refuses a job for an unknown integration (404), an inactive one or one whose sync is disabled (409), and a bad since (400)', async () => {
    expect((await send('POST', `/integrations/${randomUUID()}/sync`, {})).status).toBe(404);
    const inactive = await createIntegration(integration({}, false));
    const disabled = await createIntegration(integration({ enabled: false }));
    const refusedInactive = await send('POST', `/integrations/${inactive}/sync`, {});
    expect(refusedInactive.status).toBe(409);
    expect(JSON.stringify(await refusedInactive.json())).toContain('inactive');
    const refusedDisabled = await send('POST', `/integrations/${disabled}/sync`);
    expect(refusedDisabled.status).toBe(409);
    expect(JSON.stringify(await refusedDisabled.json())).toContain('synchronization is disabled');
    const active = await createIntegration(integration());
    const badSince = await send('POST', `/integrations/${active}/sync`, { since: 'yesterday' });
    expect(badSince.status).toBe(400);
    expect(JSON.stringify(await badSince.json())).toContain('since must be an RFC 3339 timestamp');
    expect((await send('GET', `/sync/jobs/${randomUUID()}`)).status).toBe(404);
    // Nothing was sent for any of them.
    for (const refused of [inactive, disabled, active]) expect(await commandsFor(refused)).toEqual([]);
  });

  it('shows an open conflict with both versions, sends a resolution once, and refuses to resolve it again', async () => {
    const id = await createIntegration(integration());
    const conflictId = randomUUID();
    const open: SyncConflictPayload = {
      conflictId,
      integrationId: id,
      entityType: 'Patient',
      entityId: 'urn:oid:1.2.3|MRN-1',
      reference: 'Patient/123',
      status: 'open',
      strategy: 'manual',
      detectedAt: '2026-01-02T11:00:00.000Z',
      fields: ['telecom'],
      local: { resourceType: 'Patient', id: '123', telecom: [{ system: 'phone', value: '555-0100' }] },
      external: { resourceType: 'Patient', id: '123', telecom: [{ system: 'phone', value: '555-0199' }] },
      expectedVersion: '2',
      currentVersion: '3',
      sequence: 1,
    };
    await publish(id, SYNC_CONFLICT_V1, open);
    const listed = await eventually(
      async () => {
        const list = (await (
          await send('GET', `/integrations/${id}/conflicts?status=open`)
        ).json()) as object[];
        return list.length > 0 ? list : undefined;
      },
      { what: 'the open conflict in the list' },
    );
    expect(listed).toEqual([
      expect.objectContaining({ conflictId, status: 'open', fields: ['telecom'], currentVersion: '3' }),
    ]);
    expect(listed[0]).not.toHaveProperty('local');
    expect(await (await send('GET', `/integrations/${id}/conflicts?status=resolved`)).json()).toEqual([]);
    const detail = (await (await send('GET', `/conflicts/${conflictId}`)).json()) as SyncConflictPayload;
    expect(detail).toMatchObject({ local: open.local, external: open.external, strategy: 'manual' });

    // Bad bodies: every problem named, nothing sent.
    const noFields = await send('POST', `/conflicts/${conflictId}/resolve`, { action: 'merge' });
    expect(noFields.status).toBe(400);
    expect(JSON.stringify(await noFields.json())).toContain('fields must map each element name');
    const noData = await send('POST', `/conflicts/${conflictId}/resolve`, { action: 'manual', extra: 1 });
    expect(noData.status).toBe(400);
    const problems = JSON.stringify(await noData.json());
    expect(problems).toContain('data must be an object');
    expect(problems).toContain('property extra should not exist');
    const badAction = await send('POST', `/conflicts/${conflictId}/resolve`, { action: 'source_wins' });
    expect(badAction.status).toBe(400);
    expect(JSON.stringify(await badAction.json())).toContain('action must be one of');
    // Well-formed, but what the orchestrator would refuse for this conflict (checked against the read model).
    const otherType = await send('POST', `/conflicts/${conflictId}/resolve`, {
      action: 'manual',
      data: { resourceType: 'Observation', status: 'final' },
    });
    expect(otherType.status).toBe(400);
    expect(JSON.stringify(await otherType.json())).toContain(
      "data.resourceType: must be Patient, the conflict's entity type",
    );
    const bookkeeping = await send('POST', `/conflicts/${conflictId}/resolve`, {
      action: 'merge',
      fields: { telecom: 'external', id: 'external', meta: 'local' },
    });
    expect(bookkeeping.status).toBe(400);
    const merged = JSON.stringify(await bookkeeping.json());
    expect(merged).toContain('fields.id: a merge cannot choose');
    expect(merged).toContain('fields.meta: a merge cannot choose');
    expect(merged).not.toContain('fields.telecom');
    expect((await send('POST', `/conflicts/${randomUUID()}/resolve`, { action: 'use_local' })).status).toBe(
      404,
    );
    expect(await commandsFor(id)).toEqual([]);

    const resolution = { action: 'merge', fields: { telecom: 'external' }, note: 'patient called' };
    const accepted = await send('POST', `/conflicts/${conflictId}/resolve`, resolution, {
      'x-meridian-user': 'jdoe',
    });
    expect(accepted.status).toBe(202);
    const { commandId } = (await accepted.json()) as { commandId: string };
    const [command] = await eventually(
      async () => {
        const found = await commandsFor(id);
        return found.length > 0 ? found : undefined;
      },
      { what: 'the resolve-conflict command' },
    );
    expect(command).toEqual({
      commandId,
      command: 'resolve-conflict',
      integrationId: id,
      requestedAt: expect.any(String),
      requestedBy: 'jdoe',
      conflictId,
      resolution,
    });

    // The orchestrator applies it and reports the conflict resolved, without the versions.
    const { local: _l, external: _e, ...withoutVersions } = open;
    await publish(id, SYNC_CONFLICT_V1, {
      ...withoutVersions,
      status: 'resolved',
      resolution: {
        action: 'merge',
        resolvedBy: 'jdoe',
        resolvedAt: '2026-01-02T11:05:00.000Z',
        note: 'patient called',
      },
      sequence: 2,
    });
    const resolved = await eventually(
      async () => {
        const view = (await (await send('GET', `/conflicts/${conflictId}`)).json()) as { status: string };
        return view.status === 'resolved' ? view : undefined;
      },
      { what: 'the resolved conflict' },
    );
    expect(resolved).toMatchObject({ resolution: { action: 'merge', resolvedBy: 'jdoe' } });
    expect(resolved).not.toHaveProperty('local');
    expect(resolved).not.toHaveProperty('external');

    const again = await send('POST', `/conflicts/${conflictId}/resolve`, { action: 'use_local' });
    expect(again.status).toBe(409);
    expect(JSON.stringify(await again.json())).toContain('already resolved');
    expect(await commandsFor(id)).toHaveLength(1);
  });
});
