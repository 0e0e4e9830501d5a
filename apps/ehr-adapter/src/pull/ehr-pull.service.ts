import { Injectable, Logger } from '@nestjs/common';
import {
  type CloudEvent,
  COMMAND_RESULT_V1,
  type CommandResultPayload,
  createCloudEvent,
  type EhrPullPayload,
  FHIR_BUNDLE_V1,
  type IntegrationLifecyclePayload,
  type SyncCounters,
  TOPICS,
} from '@meridian/contracts';
import type { FhirClient, FhirResource, FhirSearchResult } from '@meridian/fhir';
import { uuidV5 } from '@meridian/hl7-fhir';
import {
  classifyError,
  EventProducer,
  type KafkaEventContext,
  PermanentError,
  safeErrorMessage,
} from '@meridian/kafka';
import { IntegrationConfigView, LifecyclePublisher } from '@meridian/platform';
import { RetryLaterError } from '@meridian/resilience';
import { callScope, EhrClients } from '../clients/ehr-clients';
import { activeFhirIntegration } from '../commands/active-integration';
import { answersCommand, errorSummary } from '../commands/transaction-outcome';
import { SOURCE, STEPS } from '../lifecycle/steps';
import {
  businessIdentifier,
  pulledBundle,
  pulledEventId,
  pulledKey,
  versionReference,
} from './pulled-bundle';

/** What one pull has read so far. */
interface PullProgress {
  counters: SyncCounters;
  /** `Type/id/_history/v` of every version published or skipped, so overlapping reads count once. */
  seen: Set<string>;
}

/** Later of two FHIR instants (either may be absent). */
function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/**
 * `org.meridian.ehr.pull.v1` on ehr.commands.v1: reads what changed on the integration's FHIR server
 * since `since` (`_lastUpdated=gt<since>&_sort=_lastUpdated`, every page) for each resource type,
 * and publishes each resource with a business identifier to fhir.r4.inbound.v1 as a one-entry
 * transaction Bundle (conditional update by that identifier), `ce_integrationid` this integration so
 * the orchestrator knows where it came from. Answers on ehr.results.v1 with the job id, counters and
 * the watermark: the greatest `meta.lastUpdated` read (the server's clock, not ours), which the
 * next pull passes as `since`.
 *
 * The types are read one after another, so a change made to a type already read, while a later type
 * was being read, can carry a `lastUpdated` below the watermark: after the first pass each type but
 * the last is read again from where it stopped, up to the watermark. The published ids follow from
 * (integration, resource, version), so a pull that is retried, or reads a version twice, publishes
 * the same events again, which consumers dedupe.
 *
 * Through the integration's client, hence its breaker, timeout and retries; failures end like a
 * command's: a 4xx with an OperationOutcome answers `failed`, an open breaker holds the partition,
 * the rest is retried by the runtime and then dead-lettered.
 */
@Injectable()
export class EhrPullService {
  private readonly logger = new Logger('EhrPull');

  constructor(
    private readonly producer: EventProducer,
    private readonly configs: IntegrationConfigView,
    private readonly clients: EhrClients,
    private readonly lifecycle: LifecyclePublisher,
  ) {}

  async pull(event: CloudEvent<EhrPullPayload>, context: KafkaEventContext): Promise<void> {
    const record = context.record;
    await this.configs.loaded;
    const pull = event.data;
    if (event.integrationid !== undefined && event.integrationid !== pull.integrationId) {
      throw new PermanentError('the pull’s integrationId is not its ce_integrationid');
    }
    const config = activeFhirIntegration(this.configs, pull.integrationId);
    const integrationId = config.integrationId;
    const step = (
      status: IntegrationLifecyclePayload['status'],
      extra: Partial<IntegrationLifecyclePayload> = {},
    ) =>
      this.lifecycle.publish(
        {
          integrationId,
          correlationId: event.correlationid ?? event.id,
          status,
          step: STEPS.pull,
          attempt: record.attempt,
          ...extra,
        },
        event.id,
      );

    await step('processing');
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const progress: PullProgress = { counters: { fetched: 0, published: 0, skipped: 0 }, seen: new Set() };
    let watermark: string | undefined;
    try {
      const client = await this.clients.clientFor(config);
      watermark = await callScope.run({ heartbeat: () => record.heartbeat() }, () =>
        this.read(client, event, progress, () => record.heartbeat()),
      );
    } catch (error) {
      const durationMs = elapsed();
      if (answersCommand(error)) {
        const summary = errorSummary(error, error.message, false);
        await this.answer(event, record.key, {
          outcome: 'failed',
          statusCode: error.status,
          durationMs,
          error: summary,
          jobId: pull.jobId,
          counters: progress.counters,
        });
        await step('failed', { durationMs, error: summary });
        return;
      }
      const permanent = !(error instanceof RetryLaterError) && classifyError(error) === 'permanent';
      await step(permanent ? 'failed' : 'retrying', {
        durationMs,
        error: errorSummary(error, safeErrorMessage(error), !permanent),
      });
      throw error;
    }
    const durationMs = elapsed();
    await this.answer(event, record.key, {
      outcome: 'succeeded',
      statusCode: 200,
      durationMs,
      jobId: pull.jobId,
      counters: progress.counters,
      ...(watermark !== undefined ? { watermark } : {}),
    });
    await step('completed', { durationMs });
    this.logger.log({ msg: 'pull done', integrationId, jobId: pull.jobId, ...progress.counters });
  }

  /** Both passes; resolves to the watermark (the pull's `since` when nothing changed). */
  private async read(
    client: FhirClient,
    event: CloudEvent<EhrPullPayload>,
    progress: PullProgress,
    heartbeat: () => Promise<void>,
  ): Promise<string | undefined> {
    const { resourceTypes, since } = event.data;
    const readUpTo = new Map<string, string | undefined>();
    let watermark = since;
    for (const type of resourceTypes) {
      const latest = await this.readType(client, event, type, since, undefined, progress, heartbeat);
      readUpTo.set(type, later(since, latest));
      watermark = later(watermark, latest);
    }
    if (watermark === since || watermark === undefined) return watermark;
    for (const type of resourceTypes.slice(0, -1)) {
      await this.readType(client, event, type, readUpTo.get(type), watermark, progress, heartbeat);
    }
    return watermark;
  }

  /**
   * Every version of `type` changed after `from` (everything when absent), oldest first, published
   * page by page; versions changed after `upTo` are left for the next pull. Resolves to the greatest
   * `lastUpdated` it read. A search stopped at the client's limit goes on from its last instant
   * (`ge`), skipping the versions already seen.
   */
  private async readType(
    client: FhirClient,
    event: CloudEvent<EhrPullPayload>,
    type: string,
    from: string | undefined,
    upTo: string | undefined,
    progress: PullProgress,
    heartbeat: () => Promise<void>,
  ): Promise<string | undefined> {
    let latest: string | undefined;
    let cursor = from;
    let comparator: 'gt' | 'ge' = 'gt';
    for (;;) {
      const page: FhirSearchResult<FhirResource> =
        cursor === undefined
          ? await client.search(type, { _sort: '_lastUpdated' })
          : await client.searchUpdatedSince(type, cursor, { comparator });
      const fresh = page.resources.filter((resource) => {
        if (progress.seen.has(versionReference(resource))) return false;
        const updated = resource.meta?.lastUpdated;
        return upTo === undefined || updated === undefined || Date.parse(updated) <= Date.parse(upTo);
      });
      await this.publish(event, fresh, progress);
      await heartbeat();
      for (const resource of fresh) latest = later(latest, resource.meta?.lastUpdated);
      // Done, or stuck (a page of versions all seen: more than a page changed in the same instant).
      if (page.complete || page.lastUpdated === undefined || fresh.length === 0) return latest;
      cursor = page.lastUpdated;
      comparator = 'ge';
    }
  }

  private async publish(
    event: CloudEvent<EhrPullPayload>,
    resources: FhirResource[],
    progress: PullProgress,
  ): Promise<void> {
    const integrationId = event.data.integrationId;
    const records = [];
    for (const resource of resources) {
      progress.seen.add(versionReference(resource));
      progress.counters.fetched += 1;
      const identifier = businessIdentifier(resource);
      if (identifier === undefined) {
        progress.counters.skipped += 1;
        continue;
      }
      records.push({
        key: pulledKey(integrationId, identifier),
        event: createCloudEvent({
          id: pulledEventId(integrationId, resource),
          source: SOURCE,
          type: FHIR_BUNDLE_V1,
          subject: `${resource.resourceType}/${resource.id ?? ''}`,
          causationid: event.id,
          correlationid: event.correlationid ?? event.id,
          integrationid: integrationId,
          data: pulledBundle(resource, identifier),
        }),
      });
    }
    if (records.length === 0) return;
    await this.producer.publish(TOPICS.fhirInbound.name, records);
    progress.counters.published += records.length;
  }

  /** The result, keyed like the pull; its id follows from the pull's and the outcome, so a redelivery repeats it. */
  private async answer(
    pull: CloudEvent<EhrPullPayload>,
    key: string | null,
    result: Omit<CommandResultPayload, 'commandId' | 'integrationId'>,
  ): Promise<void> {
    const integrationId = pull.data.integrationId;
    await this.producer.publish(TOPICS.ehrResults.name, [
      {
        key: key ?? integrationId,
        event: createCloudEvent({
          id: uuidV5(`${pull.source}\u001f${pull.id}\u001f${SOURCE}\u001f${result.outcome}`),
          source: SOURCE,
          type: COMMAND_RESULT_V1,
          subject: pull.data.jobId,
          causationid: pull.id,
          correlationid: pull.correlationid ?? pull.id,
          integrationid: integrationId,
          data: { commandId: pull.id, integrationId, ...result },
        }),
      },
    ]);
  }
}
