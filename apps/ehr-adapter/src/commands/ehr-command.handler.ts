import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  type CloudEvent,
  COMMAND_RESULT_V1,
  type CommandResultPayload,
  type ConflictingResource,
  createCloudEvent,
  EHR_PULL_V1,
  type EhrPullPayload,
  type FhirBundlePayload,
  type IntegrationConfigPayload,
  type IntegrationLifecyclePayload,
  TOPICS,
} from '@meridian/contracts';
import type { Bundle, FhirClient } from '@meridian/fhir';
import { uuidV5 } from '@meridian/hl7-fhir';
import {
  classifyError,
  EventProducer,
  KafkaEventContext,
  PermanentError,
  safeErrorMessage,
} from '@meridian/kafka';
import { IntegrationConfigView } from '@meridian/platform';
import { RetryLaterError, TransientError } from '@meridian/resilience';
import { callScope, EhrClients } from '../clients/ehr-clients';
import { LifecyclePublisher } from '@meridian/platform';
import { SOURCE, STEPS } from '../lifecycle/steps';
import { EhrPullService } from '../pull/ehr-pull.service';
import { activeFhirIntegration } from './active-integration';
import { AppliedCommands } from './applied-commands';
import { conflictingResources, readWith } from './conflict-details';
import { answersCommand, errorSummary, isIdempotent, transactionReferences } from './transaction-outcome';

/**
 * ehr.commands.v1 → the integration's FHIR server → ehr.results.v1.
 *
 * Each command is a transaction Bundle for the integration named by `ce_integrationid`, POSTed as
 * one transaction. Its outcome:
 * - applied: a `succeeded` result with the references the server gave, and the command recorded in
 *   `applied_commands`: seen again, it is answered from there, never written a second time;
 * - a version it sent `If-Match` with has changed (a conflict): a `failed` result with the server's
 *   current versions, for the orchestrator to settle;
 * - a 409 with no such version changed (two transactions creating the same resource at once):
 *   transient, retried by the runtime (it then finds what the other one created);
 * - refused by the server for good (several matches, a 4xx with an OperationOutcome): a `failed`
 *   result with the error's kind and issue codes, and the command dead-lettered with that reason;
 * - the server is unreachable, slow or failing (after the client's own retries): the error
 *   propagates, so the consumer runtime retries the record and then dead-letters it;
 * - the integration's breaker is open (`CircuitOpenError`): the error propagates and the runtime
 *   holds the partition, so the backlog waits in Kafka, in order, until the server is back;
 * - the command or the integration cannot work (no such active FHIR integration, credentials that
 *   cannot be opened, a base URL the SSRF guard refuses): permanent, to the DLQ, redrivable.
 * Every attempt is also told on integration.events.v1 (step `ehr-adapter.apply`).
 */
@Controller()
export class EhrCommandHandler {
  private readonly logger = new Logger('EhrCommands');

  constructor(
    private readonly producer: EventProducer,
    private readonly configs: IntegrationConfigView,
    private readonly clients: EhrClients,
    private readonly lifecycle: LifecyclePublisher,
    private readonly pulls: EhrPullService,
    private readonly applied: AppliedCommands,
  ) {}

  @EventPattern(TOPICS.ehrCommands.name)
  async apply(
    @Payload() event: CloudEvent<FhirBundlePayload | EhrPullPayload>,
    @Ctx() context: KafkaEventContext,
  ): Promise<void> {
    // The topic's other command: read what changed on the server (src/pull).
    if (event.type === EHR_PULL_V1) return this.pulls.pull(event as CloudEvent<EhrPullPayload>, context);
    return this.applyBundle(event as CloudEvent<FhirBundlePayload>, context);
  }

  private async applyBundle(event: CloudEvent<FhirBundlePayload>, context: KafkaEventContext): Promise<void> {
    const record = context.record;
    // Commands are only judged against the configurations on the topic when we started.
    await this.configs.loaded;
    const config = activeFhirIntegration(this.configs, event.integrationid);
    const integrationId = config.integrationId;
    const bundle = event.data;
    if (bundle.type !== 'transaction') {
      throw new PermanentError(
        `the command is a ${bundle.type} Bundle; the EHR adapter applies transactions`,
      );
    }
    const step = (
      status: IntegrationLifecyclePayload['status'],
      extra: Partial<IntegrationLifecyclePayload> = {},
    ) =>
      this.lifecycle.publish(
        {
          integrationId,
          correlationId: event.correlationid ?? event.id,
          status,
          step: STEPS.apply,
          attempt: record.attempt,
          ...extra,
        },
        event.id,
      );

    // Applied already (by us, or by a replica killed before it committed its offset): answered again,
    // not written again after what came since.
    const done = await this.applied.find(event.id);
    if (done !== null) {
      await this.answer(event, record.key, config, {
        outcome: 'succeeded',
        references: done.references,
        statusCode: 200,
      });
      await step('completed', { durationMs: 0 });
      this.logger.log({ msg: 'command applied before; answered again', integrationId, commandId: event.id });
      return;
    }

    await step('processing');
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const scope = { heartbeat: () => record.heartbeat() };
    // What the runtime will do with a failure that does not answer the command, told as a step first.
    const propagate = async (error: unknown): Promise<never> => {
      const permanent = !(error instanceof RetryLaterError) && classifyError(error) === 'permanent';
      await step(permanent ? 'failed' : 'retrying', {
        durationMs: elapsed(),
        error: errorSummary(error, safeErrorMessage(error), !permanent),
      });
      throw error;
    };
    let response: Bundle;
    let client: FhirClient | undefined;
    try {
      client = await this.clients.clientFor(config);
      const target = client;
      response = await callScope.run(scope, () =>
        target.transaction(bundle as unknown as Bundle, { idempotent: isIdempotent(bundle) }),
      );
    } catch (error) {
      if (!answersCommand(error)) return propagate(error);
      // A conflict says which versions the server holds now, so the orchestrator can resolve it at once.
      let conflicts: ConflictingResource[] | undefined;
      if (error.kind === 'conflict' && client !== undefined) {
        const target = client;
        try {
          conflicts = await callScope.run(scope, () => conflictingResources(bundle, readWith(target)));
        } catch (readError) {
          return propagate(readError);
        }
        // No version we relied on moved: the server refused a write that raced another one (two
        // transactions creating the same Organization or Patient at once). Tried again, it finds
        // what the other one created.
        if (conflicts === undefined || conflicts.length === 0) {
          return propagate(new CreationRaceError(`${error.message}; no If-Match version changed`));
        }
      }
      const durationMs = elapsed();
      const summary = errorSummary(error, error.message, false);
      await this.answer(event, record.key, config, {
        outcome: 'failed',
        statusCode: error.status,
        durationMs,
        error: summary,
        ...(conflicts !== undefined ? { conflicts } : {}),
      });
      await step('failed', { durationMs, error: summary });
      this.logger.warn({
        msg: 'command refused by the FHIR server',
        integrationId,
        commandId: event.id,
        error: error.message,
        conflicts: conflicts?.length,
      });
      // A conflict is the orchestrator's to settle. Any other refusal will not change by itself: the
      // command goes to the DLQ with the reason, to be seen and redriven once the cause is fixed.
      if (conflicts !== undefined) return;
      throw new PermanentError(`the FHIR server refused the command: ${error.message}`);
    }
    const durationMs = elapsed();
    const references = transactionReferences(response);
    await this.applied.record(event.id, integrationId, references);
    await this.answer(event, record.key, config, {
      outcome: 'succeeded',
      references,
      // A transaction that applied is answered 200 OK (FHIR R4 http.html#transaction-response).
      statusCode: 200,
      durationMs,
    });
    await step('completed', { durationMs });
  }

  /** The result, keyed like the command; its id follows from the command's and the outcome, so a redelivery repeats it. */
  private async answer(
    command: CloudEvent,
    key: string | null,
    config: IntegrationConfigPayload,
    result: Omit<CommandResultPayload, 'commandId' | 'integrationId'>,
  ): Promise<void> {
    const payload: CommandResultPayload = {
      commandId: command.id,
      integrationId: config.integrationId,
      ...result,
    };
    await this.producer.publish(TOPICS.ehrResults.name, [
      {
        key: key ?? config.integrationId,
        event: createCloudEvent({
          id: uuidV5(`${command.source}\u001f${command.id}\u001f${SOURCE}\u001f${result.outcome}`),
          source: SOURCE,
          type: COMMAND_RESULT_V1,
          subject: command.subject,
          causationid: command.id,
          correlationid: command.correlationid ?? command.id,
          integrationid: config.integrationId,
          data: payload,
        }),
      },
    ]);
  }
}

/** A 409 from a creation race: transient (retried by the runtime, then dead-lettered with this reason). */
export class CreationRaceError extends TransientError {
  override readonly name = 'CreationRaceError';
}
