import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import {
  allTopicDefinitions,
  CE,
  COMMAND_RESULT_V1,
  type CommandResultPayload,
  type ConflictResolution,
  createCloudEvent,
  EHR_PULL_V1,
  FHIR_BUNDLE_V1,
  type FhirBundlePayload,
  INTEGRATION_CONFIG_V1,
  type IntegrationConfigPayload,
  SYNC_COMMAND_V1,
  SYNC_CONFLICT_V1,
  SYNC_JOB_V1,
  type SyncCommandPayload,
  TOPICS,
} from '@meridian/contracts';
import { EventProducer, provisionTopics, readTopic, type StoredRecord } from '@meridian/kafka';
import { IntegrationConfigView, startService } from '@meridian/platform';
import { DataSource } from 'typeorm';
import { eventually, testKafka } from '@meridian/testing';
import { orchestratorService } from '../app.module';
import { SyncJobsService } from './sync-jobs.service';
import { SyncRetention } from './sync-retention';
import { SyncCommand } from './sync.entities';

/**
 * The orchestrator's sync engine on the real broker and Postgres. The EHR adapter's part is played by
 * the test: it reads the commands the orchestrator sends and answers on ehr.results.v1 as the adapter
 * would (its own tests show those answers against a real FHIR server).
 */
describe('orchestrator sync state and conflicts (real broker, real Postgres)', () => {
  const facility = `FAC${randomUUID().slice(0, 8).toUpperCase()}`;
  let app: INestApplication;
  let kafka: Kafka;
  let admin: Admin;
  let producer: EventProducer;

  const integration = (
    conflictResolution: ConflictResolution,
    overrides: Partial<IntegrationConfigPayload> = {},
  ): IntegrationConfigPayload => ({
    integrationId: randomUUID(),
    version: 1,
    facility,
    systemType: 'ehr',
    systemName: `EHR ${conflictResolution}`,
    connection: {
      type: 'fhir',
      endpoint: 'https://ehr.example/fhir',
      authentication: { type: 'none' },
      timeout: 5000,
      retryPolicy: { maxAttempts: 3, backoff: 'exponential', base: 200 },
    },
    synchronization: {
      enabled: true,
      direction: 'bidirectional',
      frequency: 'on_demand',
      conflictResolution,
      resourceTypes: ['Patient'],
    },
    active: true,
    updatedAt: new Date().toISOString(),
    ...overrides,
  });

  const sourceWins = integration('source_wins');
  const manual = integration('manual', { facility: `${facility}-M` });
  /** Another EHR of the facility that only receives: where changes pulled from `sourceWins` go. */
  const mirror = integration('source_wins', { systemName: 'mirror' });
  mirror.synchronization = { ...mirror.synchronization, direction: 'outbound' };
  /** A real-time EHR read back by polling (every second in this test). */
  const polled = integration('source_wins', { systemName: 'polled', facility: `${facility}-P` });
  polled.synchronization = { ...polled.synchronization, frequency: 'real_time' };

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    producer = new EventProducer(kafka);
    await producer.connect();
    await producer.publish(
      TOPICS.integrationConfig.name,
      [sourceWins, manual, mirror, polled].map((payload) => ({
        key: payload.integrationId,
        event: createCloudEvent({
          source: '/meridian/gateway',
          type: INTEGRATION_CONFIG_V1,
          integrationid: payload.integrationId,
          data: payload,
        }),
      })),
    );
    ({ app } = await startService(orchestratorService, {
      env: {
        ...process.env,
        PORT: '0',
        LOG_LEVEL: 'error',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        SYNC_POLL_INTERVAL_SECONDS: '1',
      },
      handleSignals: false,
    }));
    await app.get(IntegrationConfigView).loaded;
  });

  afterAll(async () => {
    await app?.close();
    await producer?.disconnect();
    await admin?.disconnect();
  });

  const valueOf = <T>(record: StoredRecord): T => JSON.parse(record.message.value?.toString() ?? '{}') as T;
  const header = (record: StoredRecord, name: string) => record.message.headers?.[name]?.toString();

  /** The records of `topic` that match, once there are at least `count` of them. */
  const waitFor = (topic: string, predicate: (r: StoredRecord) => boolean, count = 1, what = topic) =>
    eventually(
      async () => {
        const found = (await readTopic(kafka, admin, topic)).filter(predicate);
        return found.length >= count ? found : undefined;
      },
      { what },
    );

  const patient = (mrn: string, extra: Record<string, unknown> = {}) => ({
    resourceType: 'Patient',
    identifier: [{ system: 'urn:mrn', value: mrn }],
    name: [{ family: 'Everyman', given: ['Adam'] }],
    ...extra,
  });

  /** A canonical bundle for the facility, as the transformer publishes it. */
  async function inbound(
    target: IntegrationConfigPayload,
    resource: Record<string, unknown>,
  ): Promise<string> {
    const mrn = (resource.identifier as { value: string }[])[0].value;
    const event = createCloudEvent<FhirBundlePayload>({
      source: '/meridian/transformer',
      type: FHIR_BUNDLE_V1,
      correlationid: randomUUID(),
      data: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: `urn:uuid:${randomUUID()}`,
            resource: resource as FhirBundlePayload['entry'][number]['resource'],
            request: { method: 'PUT', url: `Patient?identifier=urn:mrn|${mrn}` },
          },
        ],
      },
    });
    await producer.publish(TOPICS.fhirInbound.name, [
      { key: `hl7:${target.facility}|urn:mrn|${mrn}`, event },
    ]);
    return event.id;
  }

  /** Patients read from `source`'s EHR by a pull, as the adapter publishes them (keyed by the first). */
  const pulledFrom = (source: IntegrationConfigPayload, patients: Record<string, unknown>[]) => {
    const mrnOf = (resource: Record<string, unknown>) =>
      (resource.identifier as { value: string }[])[0].value;
    return producer.publish(TOPICS.fhirInbound.name, [
      {
        key: `${source.integrationId}|urn:mrn|${mrnOf(patients[0])}`,
        event: createCloudEvent<FhirBundlePayload>({
          source: '/meridian/ehr-adapter',
          type: FHIR_BUNDLE_V1,
          integrationid: source.integrationId,
          data: {
            resourceType: 'Bundle',
            type: 'transaction',
            entry: patients.map((resource) => ({
              resource: resource as FhirBundlePayload['entry'][number]['resource'],
              request: { method: 'PUT', url: `Patient?identifier=urn:mrn|${mrnOf(resource)}` },
            })),
          },
        }),
      },
    ]);
  };

  const commandsFor = (integrationId: string) => (r: StoredRecord) =>
    header(r, CE.integrationId) === integrationId && header(r, CE.type) === FHIR_BUNDLE_V1;

  /** Answers a command as the adapter would; resolves once the orchestrator has taken the answer in. */
  async function answer(
    command: StoredRecord,
    result: Omit<CommandResultPayload, 'commandId' | 'integrationId'>,
  ) {
    const commandId = header(command, CE.id) ?? '';
    const integrationId = header(command, CE.integrationId) ?? '';
    const event = createCloudEvent<CommandResultPayload>({
      source: '/meridian/ehr-adapter',
      type: COMMAND_RESULT_V1,
      causationid: commandId,
      integrationid: integrationId,
      data: { commandId, integrationId, ...result },
    });
    await producer.publish(TOPICS.ehrResults.name, [{ key: command.message.key?.toString() ?? '', event }]);
    if (result.jobId === undefined) {
      await waitFor(
        TOPICS.integrationEvents.name,
        (r) => header(r, CE.causationId) === event.id,
        1,
        'the answer taken',
      );
    }
  }

  const requestOf = (command: StoredRecord) => {
    const entry = valueOf<FhirBundlePayload>(command).entry[0];
    return { request: entry.request as unknown as Record<string, string>, resource: entry.resource };
  };

  it('writes by id with If-Match once the entity is known, and settles a conflict by source_wins', async () => {
    const mrn = `M-${randomUUID().slice(0, 8)}`;
    await inbound(sourceWins, patient(mrn));
    const [first] = await waitFor(
      TOPICS.ehrCommands.name,
      commandsFor(sourceWins.integrationId),
      1,
      'first command',
    );
    expect(requestOf(first).request).toEqual({ method: 'PUT', url: `Patient?identifier=urn:mrn|${mrn}` });
    await answer(first, { outcome: 'succeeded', references: ['Patient/42/_history/1'] });

    // Once the answer is in, the next change is written to Patient/42 only if it is still version 1.
    const moved = patient(mrn, { address: [{ city: 'Springfield' }] });
    await inbound(sourceWins, moved);
    const conditional = (await waitFor(TOPICS.ehrCommands.name, commandsFor(sourceWins.integrationId), 2))[1];
    expect(requestOf(conditional).request).toEqual({ method: 'PUT', url: 'Patient/42', ifMatch: 'W/"1"' });
    expect(requestOf(conditional).resource).toEqual({ ...moved, id: '42' });

    // Someone changed the patient on the EHR: the server refused the write.
    const external = {
      ...patient(mrn, { telecom: [{ system: 'phone', value: '555-0100' }] }),
      id: '42',
      meta: { versionId: '2', lastUpdated: '2026-11-25T10:00:00Z' },
    };
    await answer(conditional, {
      outcome: 'failed',
      statusCode: 412,
      error: { class: 'conflict', message: 'version conflict', retryable: false },
      conflicts: [{ reference: 'Patient/42', expectedVersion: '1', currentVersion: '2', resource: external }],
    });

    const [resolution] = await waitFor(
      TOPICS.ehrCommands.name,
      (r) =>
        commandsFor(sourceWins.integrationId)(r) && header(r, CE.causationId) === header(conditional, CE.id),
      1,
      'the resolution command',
    );
    expect(requestOf(resolution).request).toEqual({ method: 'PUT', url: 'Patient/42', ifMatch: 'W/"2"' });
    expect(requestOf(resolution).resource).toEqual({ ...moved, id: '42' });

    const [event] = await waitFor(
      TOPICS.syncEvents.name,
      (r) =>
        header(r, CE.type) === SYNC_CONFLICT_V1 && header(r, CE.integrationId) === sourceWins.integrationId,
    );
    expect(valueOf(event)).toMatchObject({
      entityType: 'Patient',
      entityId: `urn:mrn|${mrn}`,
      reference: 'Patient/42',
      status: 'resolved',
      strategy: 'source_wins',
      fields: ['address', 'telecom'],
      expectedVersion: '1',
      currentVersion: '2',
      resolution: { action: 'source_wins', resolvedBy: 'orchestrator' },
    });
    // Settled conflicts do not carry the two versions around.
    expect(valueOf(event)).not.toHaveProperty('local');
  });

  it('holds a manual conflict and later changes behind it, then applies a person’s merge', async () => {
    const mrn = `M-${randomUUID().slice(0, 8)}`;
    const base = patient(mrn, { gender: 'male' });
    await inbound(manual, base);
    const [first] = await waitFor(TOPICS.ehrCommands.name, commandsFor(manual.integrationId));
    await answer(first, { outcome: 'succeeded', references: ['Patient/7/_history/1'] });

    const ours = patient(mrn, { gender: 'male', address: [{ city: 'Springfield' }] });
    await inbound(manual, ours);
    const conditional = (await waitFor(TOPICS.ehrCommands.name, commandsFor(manual.integrationId), 2))[1];
    expect(requestOf(conditional).request).toEqual({ method: 'PUT', url: 'Patient/7', ifMatch: 'W/"1"' });
    const phone = [{ system: 'phone', value: '555-0100' }];
    const theirs = {
      ...patient(mrn, { gender: 'male', telecom: phone }),
      id: '7',
      meta: { versionId: '5' },
    };
    await answer(conditional, {
      outcome: 'failed',
      statusCode: 409,
      error: { class: 'conflict', message: 'version conflict', retryable: false },
      conflicts: [{ reference: 'Patient/7', expectedVersion: '1', currentVersion: '5', resource: theirs }],
    });

    const [open] = await waitFor(
      TOPICS.syncEvents.name,
      (r) => header(r, CE.type) === SYNC_CONFLICT_V1 && header(r, CE.integrationId) === manual.integrationId,
    );
    const conflict = valueOf<{ conflictId: string; status: string; local: unknown; external: unknown }>(open);
    expect(conflict).toMatchObject({ status: 'open', strategy: 'manual', fields: ['address', 'telecom'] });
    expect(conflict.local).toEqual({ ...ours, id: '7' });
    expect(conflict.external).toEqual(theirs);

    // A later change of the same patient waits behind the conflict.
    const later = patient(mrn, { gender: 'other', address: [{ city: 'Springfield' }] });
    const laterEventId = await inbound(manual, later);
    const [held] = await waitFor(
      TOPICS.integrationEvents.name,
      (r) => header(r, CE.causationId) === laterEventId,
      1,
      'the later change routed',
    );
    expect(valueOf(held)).toMatchObject({ step: 'orchestrator.route' });
    const beforeResolution = await waitFor(TOPICS.ehrCommands.name, commandsFor(manual.integrationId), 2);
    expect(beforeResolution.filter((c) => requestOf(c).resource?.gender === 'other')).toEqual([]);

    const command: SyncCommandPayload = {
      commandId: randomUUID(),
      command: 'resolve-conflict',
      integrationId: manual.integrationId,
      requestedAt: new Date().toISOString(),
      requestedBy: 'nurse.jackie',
      conflictId: conflict.conflictId,
      resolution: { action: 'merge', fields: { telecom: 'external' }, note: 'kept the new phone' },
    };
    await producer.publish(TOPICS.syncCommands.name, [
      {
        key: manual.integrationId,
        event: createCloudEvent({
          source: '/meridian/gateway',
          type: SYNC_COMMAND_V1,
          integrationid: manual.integrationId,
          data: command,
        }),
      },
    ]);

    const after = await waitFor(
      TOPICS.ehrCommands.name,
      commandsFor(manual.integrationId),
      4,
      'resolution + held',
    );
    const [resolution, released] = after.slice(2);
    expect(requestOf(resolution).request).toEqual({ method: 'PUT', url: 'Patient/7', ifMatch: 'W/"5"' });
    expect(requestOf(resolution).resource).toEqual({
      ...ours,
      telecom: phone,
      id: '7',
    });
    // The held change goes after it, without If-Match: the resolution's own write is still in flight.
    expect(requestOf(released).request).toEqual({ method: 'PUT', url: `Patient?identifier=urn:mrn|${mrn}` });
    expect(requestOf(released).resource).toEqual(later);

    const events = await waitFor(
      TOPICS.syncEvents.name,
      (r) => header(r, CE.type) === SYNC_CONFLICT_V1 && header(r, CE.integrationId) === manual.integrationId,
      2,
    );
    expect(valueOf(events[1])).toMatchObject({
      conflictId: conflict.conflictId,
      status: 'resolved',
      resolution: { action: 'merge', resolvedBy: 'nurse.jackie', note: 'kept the new phone' },
      sequence: 2,
    });
  });

  it('passes changes pulled from an EHR on, but not its own writes coming back', async () => {
    const mrn = `M-${randomUUID().slice(0, 8)}`;
    const ofPatient = (integrationId: string) => (r: StoredRecord) =>
      commandsFor(integrationId)(r) && (r.message.key?.toString() ?? '').endsWith(`|${mrn}`);
    await inbound(sourceWins, patient(mrn));
    const [write] = await waitFor(TOPICS.ehrCommands.name, ofPatient(sourceWins.integrationId));
    await answer(write, { outcome: 'succeeded', references: ['Patient/99/_history/1'] });

    const pulled = (resource: Record<string, unknown>) => pulledFrom(sourceWins, [resource]);
    // Our own write, read back by a pull: nothing to pass on.
    await pulled({ ...patient(mrn), id: '99', meta: { versionId: '1' } });
    // Someone changed it on the EHR: the mirror gets it, by identifier, without the EHR's id.
    const changed = patient(mrn, { telecom: [{ system: 'phone', value: '555-0199' }] });
    await pulled({ ...changed, id: '99', meta: { versionId: '2' } });

    const mirrored = await waitFor(
      TOPICS.ehrCommands.name,
      ofPatient(mirror.integrationId),
      2,
      'the pulled change',
    );
    expect(mirrored.map((c) => requestOf(c).resource)).toEqual([patient(mrn), changed]);
  });

  it('runs a pull job and moves the cursor', async () => {
    const jobId = randomUUID();
    const runJob = async (id: string) =>
      producer.publish(TOPICS.syncCommands.name, [
        {
          key: sourceWins.integrationId,
          event: createCloudEvent({
            source: '/meridian/gateway',
            type: SYNC_COMMAND_V1,
            integrationid: sourceWins.integrationId,
            data: {
              commandId: randomUUID(),
              command: 'run-job',
              integrationId: sourceWins.integrationId,
              jobId: id,
              requestedAt: new Date().toISOString(),
            } satisfies SyncCommandPayload,
          }),
        },
      ]);
    await runJob(jobId);
    const isPull = (r: StoredRecord) =>
      header(r, CE.type) === EHR_PULL_V1 && header(r, CE.integrationId) === sourceWins.integrationId;
    const [pull] = await waitFor(TOPICS.ehrCommands.name, isPull, 1, 'the pull command');
    expect(valueOf(pull)).toMatchObject({ jobId, resourceTypes: ['Patient'] });
    expect(valueOf(pull)).not.toHaveProperty('since');

    await answer(pull, {
      outcome: 'succeeded',
      jobId,
      counters: { fetched: 3, published: 2, skipped: 1 },
      watermark: '2026-11-25T11:00:00.000Z',
    });
    const jobEvents = await waitFor(
      TOPICS.syncEvents.name,
      (r) => header(r, CE.type) === SYNC_JOB_V1 && valueOf<{ jobId: string }>(r).jobId === jobId,
      2,
      'the job events',
    );
    expect(jobEvents.map((r) => valueOf<{ status: string }>(r).status)).toEqual(['running', 'completed']);
    expect(valueOf(jobEvents[1])).toMatchObject({
      trigger: 'on_demand',
      counters: { fetched: 3, published: 2, skipped: 1 },
      watermark: '2026-11-25T11:00:00.000Z',
    });

    // The next job reads from where this one stopped.
    const next = randomUUID();
    await runJob(next);
    const pulls = await waitFor(TOPICS.ehrCommands.name, isPull, 2, 'the second pull');
    expect(valueOf(pulls[1])).toMatchObject({ jobId: next, since: '2026-11-25T11:00:00.000Z' });
  });

  it('polls a real-time EHR on its own, one job at a time, each from where the last stopped', async () => {
    const isPull = (r: StoredRecord) =>
      header(r, CE.type) === EHR_PULL_V1 && header(r, CE.integrationId) === polled.integrationId;
    const [first] = await waitFor(TOPICS.ehrCommands.name, isPull, 1, 'a polling pull');
    const firstJob = valueOf<{ jobId: string }>(first).jobId;
    const [running] = await waitFor(
      TOPICS.syncEvents.name,
      (r) => header(r, CE.type) === SYNC_JOB_V1 && valueOf<{ jobId: string }>(r).jobId === firstJob,
    );
    expect(valueOf(running)).toMatchObject({ trigger: 'polling', status: 'running' });

    // While it runs, later ticks start nothing: the job's answer is what lets the next one go.
    await answer(first, {
      outcome: 'succeeded',
      jobId: firstJob,
      counters: { fetched: 0, published: 0, skipped: 0 },
      watermark: '2026-11-25T12:00:00.000Z',
    });
    const pulls = await waitFor(TOPICS.ehrCommands.name, isPull, 2, 'the next polling pull');
    expect(valueOf(pulls[1])).toMatchObject({ since: '2026-11-25T12:00:00.000Z' });
    const jobs = new Set(pulls.map((r) => valueOf<{ jobId: string }>(r).jobId));
    expect(jobs.size).toBe(2);
  });

  /** A patient of `target` (default `manual`) written once as `Patient/<id>` version 1. */
  async function writtenOnce(id: string, target = manual) {
    const mrn = `M-${randomUUID().slice(0, 8)}`;
    await inbound(target, patient(mrn));
    const ofManual = commandsFor(target.integrationId);
    const isMrn = (r: StoredRecord) => ofManual(r) && JSON.stringify(valueOf(r)).includes(mrn);
    const [first] = await waitFor(TOPICS.ehrCommands.name, isMrn, 1, 'first command');
    await answer(first, { outcome: 'succeeded', references: [`Patient/${id}/_history/1`] });
    /** The command sent again in answer to `command`'s result. */
    const resentFor = async (command: StoredRecord) =>
      (
        await waitFor(
          TOPICS.ehrCommands.name,
          (r) => ofManual(r) && header(r, CE.causationId) === header(command, CE.id),
          1,
          'the command sent again',
        )
      )[0];
    const conflictEvents = async () =>
      (await readTopic(kafka, admin, TOPICS.syncEvents.name)).filter(
        (r) =>
          header(r, CE.type) === SYNC_CONFLICT_V1 &&
          valueOf<{ entityId: string }>(r).entityId === `urn:mrn|${mrn}`,
      );
    return { mrn, isMrn, resentFor, conflictEvents };
  }

  /** The adapter's answer when an `If-Match` on version `expected` met `current`, holding `resource`. */
  const conflictAt = (id: string, resource: Record<string, unknown>, expected = '1', current = '2') => ({
    outcome: 'failed' as const,
    statusCode: 409,
    error: { class: 'conflict', message: 'version conflict', retryable: false },
    conflicts: [
      {
        reference: `Patient/${id}`,
        expectedVersion: expected,
        currentVersion: current,
        resource: { ...resource, id, meta: { versionId: current, lastUpdated: '2026-11-25T10:00:00Z' } },
      },
    ],
  });

  it('takes its own write coming back for what it is, not for a conflict', async () => {
    const { mrn, isMrn, resentFor, conflictEvents } = await writtenOnce('77');

    // A replica applied the next change and died before answering; the replay's If-Match then
    // fails against that very write. The server holds what the command writes: not a conflict.
    const moved = patient(mrn, { gender: 'other' });
    await inbound(manual, moved);
    const update = (await waitFor(TOPICS.ehrCommands.name, isMrn, 2, 'the update'))[1];
    expect(requestOf(update).request).toMatchObject({ url: 'Patient/77', ifMatch: 'W/"1"' });
    await answer(update, conflictAt('77', moved));
    const again = await resentFor(update);
    expect(requestOf(again).request).toEqual({ method: 'PUT', url: 'Patient/77', ifMatch: 'W/"2"' });
    expect(requestOf(again).resource).toEqual({ ...moved, id: '77' });
    // Nothing was held for a person: no conflict event for this patient.
    expect(await conflictEvents()).toHaveLength(0);
  });

  it('never writes an older change over a newer one of its own', async () => {
    const { mrn, isMrn, resentFor, conflictEvents } = await writtenOnce('88', sourceWins);
    // Two changes in a row: the second goes while the first is in flight, so without If-Match.
    const older = patient(mrn, { gender: 'female' });
    const newer = patient(mrn, { gender: 'male' });
    await inbound(sourceWins, older);
    await inbound(sourceWins, newer);
    const [, second, third] = await waitFor(TOPICS.ehrCommands.name, isMrn, 3, 'two updates');
    expect(requestOf(third).request).toEqual({ method: 'PUT', url: `Patient?identifier=urn:mrn|${mrn}` });
    // Someone edited the patient on the EHR: the older change is settled (source_wins) and sent
    // again, behind the newer one, which the adapter applies first.
    const edited = patient(mrn, { telecom: [{ system: 'phone', value: '555-0188' }] });
    await answer(second, conflictAt('88', edited));
    const settled = await resentFor(second);
    expect(requestOf(settled).request).toMatchObject({ url: 'Patient/88', ifMatch: 'W/"2"' });
    await answer(third, { outcome: 'succeeded', references: ['Patient/88/_history/3'] });
    // The settled older change then meets our newer write: it must not replace it.
    await answer(settled, conflictAt('88', newer, '2', '3'));
    const again = await resentFor(settled);
    expect(requestOf(again).request).toEqual({
      method: 'POST',
      url: 'Patient',
      ifNoneExist: `identifier=${encodeURIComponent(`urn:mrn|${mrn}`)}`,
    });
    expect(requestOf(again).resource).not.toHaveProperty('id');
    // One conflict, the edit on the EHR; meeting our own write was not another.
    expect(await conflictEvents()).toHaveLength(1);
  });

  it('does not take an entity back to an older version a late pull read', async () => {
    const { mrn, isMrn } = await writtenOnce('66', sourceWins);
    const moved = patient(mrn, { gender: 'female' });
    await inbound(sourceWins, moved);
    const update = (await waitFor(TOPICS.ehrCommands.name, isMrn, 2, 'the update'))[1];
    await answer(update, { outcome: 'succeeded', references: ['Patient/66/_history/2'] });

    // A pull that read the server before that write: version 1 of the patient, with another
    // patient's real change in the same bundle (which shows when the bundle has been handled).
    const other = `M-${randomUUID().slice(0, 8)}`;
    await pulledFrom(sourceWins, [
      { ...patient(mrn), id: '66', meta: { versionId: '1' } },
      { ...patient(other), id: '67', meta: { versionId: '4' } },
    ]);
    const mirrored = (r: StoredRecord) => commandsFor(mirror.integrationId)(r);
    await waitFor(
      TOPICS.ehrCommands.name,
      (r) => mirrored(r) && JSON.stringify(valueOf(r)).includes(other),
      1,
      'the other patient mirrored',
    );
    // The stale version went nowhere, and the next write still builds on version 2.
    const stale = (await readTopic(kafka, admin, TOPICS.ehrCommands.name)).filter(
      (r) => mirrored(r) && JSON.stringify(valueOf(r)).includes(mrn),
    );
    expect(stale.map((c) => requestOf(c).resource)).toEqual([patient(mrn), moved]);
    await inbound(sourceWins, patient(mrn, { gender: 'male' }));
    const next = (await waitFor(TOPICS.ehrCommands.name, isMrn, 3, 'the next update'))[2];
    expect(requestOf(next).request).toMatchObject({ url: 'Patient/66', ifMatch: 'W/"2"' });
  });

  it('starts a job once when replicas tick together', async () => {
    const jobs = app.get(SyncJobsService);
    const jobId = `tick-${randomUUID()}`;
    // Three ticks of the same job at once, as three replicas would: one row, one pull.
    const started = await Promise.all(
      [1, 2, 3].map(() => jobs.run({ jobId, integrationId: sourceWins.integrationId, trigger: 'on_demand' })),
    );
    expect(started.every((job) => job?.jobId === jobId)).toBe(true);
    const pulls = (await readTopic(kafka, admin, TOPICS.ehrCommands.name)).filter(
      (r) => header(r, CE.type) === EHR_PULL_V1 && valueOf<{ jobId: string }>(r).jobId === jobId,
    );
    expect(pulls).toHaveLength(1);
  });
  it('forgets finished commands (their bundles are PHI) after the retention, never those in flight', async () => {
    const { isMrn: isDone } = await writtenOnce('55', sourceWins);
    const pending = `M-${randomUUID().slice(0, 8)}`;
    await inbound(sourceWins, patient(pending));
    const [unanswered] = await waitFor(
      TOPICS.ehrCommands.name,
      (r) => commandsFor(sourceWins.integrationId)(r) && JSON.stringify(valueOf(r)).includes(pending),
      1,
      'a command in flight',
    );
    const [done] = await waitFor(TOPICS.ehrCommands.name, isDone, 1, 'the finished command');
    const rows = app.get(DataSource).getRepository(SyncCommand);
    const exists = async (record: StoredRecord) => rows.existsBy({ commandId: header(record, CE.id) });
    const retention = app.get(SyncRetention).schedule;

    // Within the retention nothing goes; 31 days on, the finished one does, the one in flight stays.
    await retention.run();
    expect(await exists(done)).toBe(true);
    const removed = await retention.run(Date.now() + 31 * 24 * 60 * 60 * 1000);
    expect(removed['sync_commands (finished)']).toBeGreaterThanOrEqual(1);
    expect(await exists(done)).toBe(false);
    expect(await exists(unanswered)).toBe(true);
  });
});
