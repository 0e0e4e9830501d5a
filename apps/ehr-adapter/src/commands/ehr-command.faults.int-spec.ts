import { Partitioners } from 'kafkajs';
import { CE, TOPICS, type CommandResultPayload, type IntegrationLifecyclePayload } from '@meridian/contracts';
import { createCipherSuite, generateEncryptionKey, parseEncryptionKeys } from '@meridian/security';
import { eventually, freePort } from '@meridian/testing';
import {
  fhirIntegration,
  patientBundle,
  seal,
  startHarness,
  valueOf,
  type Harness,
  type WatchedRecord,
} from '../testing/ehr-adapter-harness';
import {
  startFakeFhirServer,
  transactionResponse,
  type FakeFhirServer,
  type FakeReply,
  type SeenRequest,
} from '../testing/fake-fhir-server';

const RESULTS = TOPICS.ehrResults.name;
const EVENTS = TOPICS.integrationEvents.name;
const DLQ = `${TOPICS.ehrCommands.name}.dlq`;
const SYSTEM = 'urn:oid:2.16.840.1.113883.3.999.1';

const serverError: FakeReply = {
  status: 500,
  body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] },
};

describe('EHR adapter against a FHIR server that fails', () => {
  let harness: Harness;
  let fake: FakeFhirServer;

  beforeAll(async () => {
    fake = await startFakeFhirServer();
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness?.close();
    await fake?.close();
  });

  const results = (integrationId: string) =>
    harness.about(RESULTS, integrationId).map((r) => valueOf<CommandResultPayload>(r));
  const steps = (integrationId: string, step: string) =>
    harness
      .about(EVENTS, integrationId)
      .map((r) => valueOf<IntegrationLifecyclePayload>(r))
      .filter((e) => e.step === step);
  const deadLetters = (integrationId: string): WatchedRecord[] => harness.about(DLQ, integrationId);

  it('opens the breaker on 500s, holds the backlog without dead-lettering it, and drains it in order once the server recovers', async () => {
    const id = harness.integrationId('breaker');
    let healthy = false;
    fake.route('/breaker/', (request: SeenRequest) => {
      if (request.headers.authorization !== 'Bearer token-1') return { status: 401 };
      return healthy ? transactionResponse(request) : serverError;
    });
    await harness.publishConfig(
      fhirIntegration(id, {
        endpoint: `${fake.origin}/breaker/fhir`,
        connection: {
          authentication: { type: 'bearer' },
          retryPolicy: { maxAttempts: 2, backoff: 'exponential', base: 50 },
        },
        monitoring: { errorThresholdPercentage: 50, volumeThreshold: 3, resetTimeout: 1_000 },
        credentials: seal(id, { token: 'token-1' }),
      }),
    );
    await harness.awaitConfig(id, 1);

    // One patient's commands share a key, so one partition: they must be applied in this order.
    const key = `${id}|Patient/${SYSTEM}|MRN-B`;
    const commands: string[] = [];
    for (let n = 0; n < 5; n++) {
      commands.push(
        await harness.publishCommand({ integrationId: id, key, bundle: patientBundle(SYSTEM, 'MRN-B') }),
      );
    }

    const opened = await eventually(
      () => steps(id, 'ehr-adapter.circuit-breaker').find((e) => e.status === 'failed'),
      { what: 'the circuit-breaker open event' },
    );
    const failuresBeforeOpen = fake.requestsTo('/breaker/').length;
    expect(failuresBeforeOpen).toBeGreaterThanOrEqual(3);
    expect(opened.error).toMatchObject({ class: 'CircuitOpen', retryable: true });
    // The held command was told as waiting, not failed.
    await eventually(
      () =>
        steps(id, 'ehr-adapter.apply').find(
          (e) => e.status === 'retrying' && e.error?.class === 'CircuitOpenError',
        ),
      { what: 'a retrying step refused by the open breaker' },
    );
    expect(results(id)).toEqual([]);

    healthy = true;
    const drained = await eventually(
      () => {
        const found = results(id).filter((r) => r.outcome === 'succeeded');
        return new Set(found.map((r) => r.commandId)).size === commands.length ? found : undefined;
      },
      { what: () => `${commands.length} succeeded results (have ${results(id).length})`, timeoutMs: 60_000 },
    );
    const firstSeen = [...new Set(drained.map((r) => r.commandId))];
    expect(firstSeen).toEqual(commands);
    expect(drained[0]).toMatchObject({
      integrationId: id,
      references: ['Patient/1/_history/1'],
      statusCode: 200,
    });
    expect(results(id).filter((r) => r.outcome === 'failed')).toEqual([]);

    const closed = await eventually(
      () => steps(id, 'ehr-adapter.circuit-breaker').find((e) => e.status === 'completed'),
      { what: 'the circuit-breaker close event' },
    );
    expect(closed.correlationId).toBe(opened.correlationId);
    expect(deadLetters(id)).toEqual([]);

    const metrics = await (await fetch(`${await adapterUrl()}/metrics`)).text();
    expect(metrics).toMatch(/meridian_circuit_breaker_transitions_total\{[^}]*to="open"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/meridian_circuit_breaker_transitions_total\{[^}]*to="closed"[^}]*\} [1-9]/);
    process.stdout.write(
      `[ehr-adapter] breaker opened after ${failuresBeforeOpen} failed requests; ${commands.length} held commands drained in order\n`,
    );
  });

  it('with the server stopped, opens the breaker after the configured failures, loses nothing, and drains when it is back', async () => {
    const id = harness.integrationId('stopped');
    // Nothing listens here yet: every call is refused, as with a FHIR server that is down.
    const port = await freePort();
    await harness.publishConfig(
      fhirIntegration(id, {
        endpoint: `http://127.0.0.1:${port}/fhir`,
        connection: { retryPolicy: { maxAttempts: 1, backoff: 'exponential', base: 50 } },
        monitoring: { errorThresholdPercentage: 50, volumeThreshold: 2, resetTimeout: 1_000 },
      }),
    );
    await harness.awaitConfig(id, 1);
    const commands: string[] = [];
    for (const mrn of ['MRN-S1', 'MRN-S2', 'MRN-S1', 'MRN-S3']) {
      commands.push(
        await harness.publishCommand({
          integrationId: id,
          key: `${id}|Patient/${SYSTEM}|${mrn}`,
          bundle: patientBundle(SYSTEM, mrn),
        }),
      );
    }
    const opened = await eventually(
      () => steps(id, 'ehr-adapter.circuit-breaker').find((e) => e.status === 'failed'),
      { what: 'the circuit-breaker open event' },
    );
    expect(opened.error).toMatchObject({ class: 'CircuitOpen', retryable: true });
    expect(results(id)).toEqual([]);

    const back = await startFakeFhirServer(port);
    try {
      back.route('/fhir', transactionResponse);
      const drained = await eventually(
        () => {
          const ids = new Set(
            results(id)
              .filter((r) => r.outcome === 'succeeded')
              .map((r) => r.commandId),
          );
          return ids.size === commands.length ? ids : undefined;
        },
        {
          what: () => `${commands.length} succeeded results (have ${results(id).length})`,
          timeoutMs: 60_000,
        },
      );
      expect([...drained].sort()).toEqual([...commands].sort());
      await eventually(() => steps(id, 'ehr-adapter.circuit-breaker').find((e) => e.status === 'completed'), {
        what: 'the circuit-breaker close event',
      });
      expect(results(id).filter((r) => r.outcome === 'failed')).toEqual([]);
      expect(deadLetters(id)).toEqual([]);
    } finally {
      await back.close();
    }
  });

  it('an EHR that is down holds only its own commands: another integration on the same partition goes on', async () => {
    const down = harness.integrationId('down-neighbour');
    const healthy = harness.integrationId('healthy-neighbour');
    await harness.publishConfig(
      fhirIntegration(down, {
        endpoint: `http://127.0.0.1:${await freePort()}/fhir`,
        connection: { retryPolicy: { maxAttempts: 1, backoff: 'exponential', base: 50 } },
        monitoring: { errorThresholdPercentage: 50, volumeThreshold: 2, resetTimeout: 60_000 },
      }),
    );
    fake.route('/neighbour/', transactionResponse);
    await harness.publishConfig(fhirIntegration(healthy, { endpoint: `${fake.origin}/neighbour/fhir` }));
    await harness.awaitConfig(down, 1);
    await harness.awaitConfig(healthy, 1);

    // Keys the producer puts on the same partition of ehr.commands.v1 (kafkajs' default partitioner).
    const partitionOf = (key: string): number =>
      Partitioners.DefaultPartitioner()({
        topic: TOPICS.ehrCommands.name,
        partitionMetadata: Array.from({ length: TOPICS.ehrCommands.partitions }, (_item, partitionId) => ({
          partitionId,
          leader: 0,
          replicas: [0],
          isr: [0],
          partitionErrorCode: 0,
        })),
        message: { key, value: null },
      });
    const downKey = `${down}|Patient/${SYSTEM}|MRN-D1`;
    let n = 0;
    let healthyKey = `${healthy}|Patient/${SYSTEM}|MRN-H${n}`;
    while (partitionOf(healthyKey) !== partitionOf(downKey))
      healthyKey = `${healthy}|Patient/${SYSTEM}|MRN-H${++n}`;

    for (let i = 0; i < 3; i++) {
      await harness.publishCommand({
        integrationId: down,
        key: downKey,
        bundle: patientBundle(SYSTEM, 'MRN-D1'),
      });
    }
    await eventually(() => steps(down, 'ehr-adapter.circuit-breaker').find((e) => e.status === 'failed'), {
      what: 'the down integration’s breaker open',
    });
    const behind = await harness.publishCommand({
      integrationId: healthy,
      key: healthyKey,
      bundle: patientBundle(SYSTEM, `MRN-H${n}`),
    });
    const [done] = await eventually(
      () => {
        const found = results(healthy).filter((r) => r.commandId === behind);
        return found.length > 0 ? found : undefined;
      },
      { what: 'the healthy integration’s command applied while its neighbour is down' },
    );
    expect(done.outcome).toBe('succeeded');
    // The down integration's commands are still waiting, neither answered nor dead-lettered.
    expect(results(down)).toEqual([]);
    expect(deadLetters(down)).toEqual([]);
  });

  it('answers a 400 with an OperationOutcome as a failed result, once, and dead-letters it with the reason', async () => {
    const id = harness.integrationId('rejects');
    fake.route('/rejects/', (request: SeenRequest) => {
      const bundle = request.body as { entry: Array<{ resource: { identifier: Array<{ value: string }> } }> };
      if (bundle.entry[0].resource.identifier[0].value !== 'MRN-BAD') return transactionResponse(request);
      return {
        status: 400,
        body: {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'required', diagnostics: 'Patient.name missing for JOHN DOE' }],
        },
      };
    });
    await harness.publishConfig(fhirIntegration(id, { endpoint: `${fake.origin}/rejects/fhir` }));
    await harness.awaitConfig(id, 1);

    const key = `${id}|Patient/${SYSTEM}|MRN-R`;
    const bad = await harness.publishCommand({
      integrationId: id,
      key,
      bundle: patientBundle(SYSTEM, 'MRN-BAD'),
    });
    // Same key, so same partition: once this one is answered, the bad one can no longer be retried.
    const marker = await harness.publishCommand({
      integrationId: id,
      key,
      bundle: patientBundle(SYSTEM, 'MRN-OK'),
    });
    await eventually(() => results(id).find((r) => r.commandId === marker), { what: 'the marker result' });

    const answers = results(id).filter((r) => r.commandId === bad);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({
      integrationId: id,
      outcome: 'failed',
      statusCode: 400,
      error: { class: 'rejected', retryable: false },
    });
    expect(answers[0].error?.message).toContain('issues: required');
    expect(JSON.stringify(answers[0])).not.toContain('JOHN');
    const record = harness
      .about(RESULTS, id)
      .find((r) => valueOf<CommandResultPayload>(r).commandId === bad)!;
    expect(record.key).toBe(key);
    expect(record.headers[CE.causationId]).toBe(bad);
    expect(fake.requestsTo('/rejects/')).toHaveLength(2);
    // Not left as a silent `failed`: the command waits in the DLQ, with why, to be redriven.
    const [dead] = await eventually(() => (deadLetters(id).length > 0 ? deadLetters(id) : undefined), {
      what: 'the dead-lettered command',
    });
    expect(deadLetters(id)).toHaveLength(1);
    expect(dead.headers[CE.id]).toBe(bad);
    expect(dead.headers['dlq.exception.class']).toBe('PermanentError');
    expect(dead.headers['dlq.exception.message']).toContain('the FHIR server refused the command');
    expect(dead.headers['dlq.exception.message']).toContain('issues: required');
    expect(dead.headers['dlq.exception.message']).not.toContain('JOHN');
    expect(dead.headers['dlq.attempts']).toBe('1');
    await eventually(() => steps(id, 'ehr-adapter.apply').find((e) => e.status === 'failed'), {
      what: 'the failed step',
    });
    expect(steps(id, 'ehr-adapter.apply').filter((e) => e.status === 'failed')).toHaveLength(1);
  });

  it('waits out a 429 with Retry-After inside the client’s retry policy, and the command succeeds', async () => {
    const id = harness.integrationId('throttled');
    let calls = 0;
    fake.route('/throttled/', (request) =>
      ++calls === 1
        ? {
            status: 429,
            headers: { 'retry-after': '1' },
            body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'throttled' }] },
          }
        : transactionResponse(request),
    );
    await harness.publishConfig(fhirIntegration(id, { endpoint: `${fake.origin}/throttled/fhir` }));
    await harness.awaitConfig(id, 1);
    const command = await harness.publishCommand({
      integrationId: id,
      key: `${id}|Patient/x`,
      bundle: patientBundle(SYSTEM, 'MRN-T'),
    });
    const answer = await eventually(() => results(id).find((r) => r.commandId === command), {
      what: 'the result',
    });
    expect(answer.outcome).toBe('succeeded');
    expect(fake.requestsTo('/throttled/')).toHaveLength(2);
    // Retried by the client within one handler attempt, not by the consumer runtime. (The step is
    // published after the result.)
    await eventually(() => steps(id, 'ehr-adapter.apply').find((e) => e.status === 'completed'), {
      what: 'the completed step',
    });
    expect(steps(id, 'ehr-adapter.apply').map((e) => [e.status, e.attempt])).toEqual([
      ['processing', 1],
      ['completed', 1],
    ]);
  });

  it('follows a configuration change without a restart: new endpoint and credentials', async () => {
    const id = harness.integrationId('moves');
    fake.route('/old/', (request) => transactionResponse(request));
    fake.route('/new/', (request) =>
      request.headers.authorization === 'Bearer second' ? transactionResponse(request) : { status: 401 },
    );
    const v1 = fhirIntegration(id, { endpoint: `${fake.origin}/old/fhir` });
    await harness.publishConfig(v1);
    await harness.awaitConfig(id, 1);
    const key = `${id}|Patient/${SYSTEM}|MRN-M`;
    const first = await harness.publishCommand({
      integrationId: id,
      key,
      bundle: patientBundle(SYSTEM, 'MRN-M'),
    });
    await eventually(() => results(id).find((r) => r.commandId === first), { what: 'the first result' });

    await harness.publishConfig(
      fhirIntegration(id, {
        version: 2,
        endpoint: `${fake.origin}/new/fhir`,
        connection: { authentication: { type: 'bearer' } },
        credentials: seal(id, { token: 'second' }),
        monitoring: { errorThresholdPercentage: 90, volumeThreshold: 20, resetTimeout: 5_000 },
      }),
    );
    await harness.awaitConfig(id, 2);
    const second = await harness.publishCommand({
      integrationId: id,
      key,
      bundle: patientBundle(SYSTEM, 'MRN-M'),
    });
    const answer = await eventually(() => results(id).find((r) => r.commandId === second), {
      what: 'the second result',
    });
    expect(answer.outcome).toBe('succeeded');
    expect(fake.requestsTo('/old/')).toHaveLength(1);
    expect(fake.requestsTo('/new/')).toHaveLength(1);
  });

  it('dead-letters a command whose credentials the adapter cannot open, saying why', async () => {
    const id = harness.integrationId('sealed-elsewhere');
    const otherKeys = createCipherSuite(parseEncryptionKeys(`k9:${generateEncryptionKey()}`), 'k9');
    await harness.publishConfig(
      fhirIntegration(id, {
        endpoint: `${fake.origin}/never/fhir`,
        connection: { authentication: { type: 'bearer' } },
        credentials: seal(id, { token: 'x' }, otherKeys),
      }),
    );
    await harness.awaitConfig(id, 1);
    await harness.publishCommand({
      integrationId: id,
      key: `${id}|Patient/x`,
      bundle: patientBundle(SYSTEM, 'MRN-S'),
    });
    const [dead] = await eventually(() => (deadLetters(id).length > 0 ? deadLetters(id) : undefined), {
      what: 'the dead letter',
    });
    expect(dead.headers['dlq.exception.class']).toBe('IntegrationConfigError');
    expect(dead.headers['dlq.exception.message']).toContain('credentials cannot be opened');
    expect(dead.headers['dlq.exception.message']).toContain('"k9", which is not configured');
    expect(dead.headers['dlq.attempts']).toBe('1');
    expect(fake.requestsTo('/never/')).toHaveLength(0);
    expect(results(id)).toEqual([]);
  });

  it('dead-letters commands for an inactive integration at once, and for an unknown one after the runtime’s retries', async () => {
    const inactive = harness.integrationId('inactive');
    const unknown = harness.integrationId('unknown');
    await harness.publishConfig(
      fhirIntegration(inactive, { endpoint: `${fake.origin}/inactive/fhir`, active: false }),
    );
    await harness.awaitConfig(inactive, 1);
    await harness.publishCommand({
      integrationId: inactive,
      key: `${inactive}|Patient/x`,
      bundle: patientBundle(SYSTEM, 'I'),
    });
    await harness.publishCommand({
      integrationId: unknown,
      key: `${unknown}|Patient/x`,
      bundle: patientBundle(SYSTEM, 'U'),
    });

    const [inactiveDead] = await eventually(
      () => (deadLetters(inactive).length > 0 ? deadLetters(inactive) : undefined),
      { what: 'the inactive integration’s dead letter' },
    );
    expect(inactiveDead.headers['dlq.exception.message']).toBe(`integration ${inactive} is inactive`);
    expect(inactiveDead.headers['dlq.attempts']).toBe('1');
    // Not configured may mean "not read yet" (the orchestrator reads the same topic): transient.
    const [unknownDead] = await eventually(
      () => (deadLetters(unknown).length > 0 ? deadLetters(unknown) : undefined),
      { what: 'the unknown integration’s dead letter' },
    );
    expect(unknownDead.headers['dlq.exception.message']).toBe(`integration ${unknown} is not configured`);
    expect(unknownDead.headers['dlq.attempts']).toBe('4');
    expect(fake.requestsTo('/inactive/')).toHaveLength(0);
  });

  const adapterUrl = async () => (await harness.adapter.getUrl()).replace('[::1]', '127.0.0.1');
});
