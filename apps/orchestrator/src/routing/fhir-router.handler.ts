import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  type CloudEvent,
  type CommandResultPayload,
  createCloudEvent,
  type FhirBundlePayload,
  type IntegrationConfigPayload,
  TOPICS,
  WEBHOOK_REQUESTED_V1,
  type WebhookRequestedPayload,
} from '@meridian/contracts';
import { uuidV5 } from '@meridian/hl7-fhir';
import { EventProducer, KafkaEventContext, PermanentError } from '@meridian/kafka';
import { IntegrationConfigView, LifecyclePublisher } from '@meridian/platform';
import { SyncJobsService } from '../sync/sync-jobs.service';
import { SyncService } from '../sync/sync.service';
import { OutboundMapping } from './outbound-mapping';
import { SOURCE } from '../sync/sync-events.publisher';
import { partnerEvent } from './partner-events';

/** The kinds of system commands can be sent to (an adapter exists); others are not routed yet. */
const ROUTABLE: ReadonlySet<IntegrationConfigPayload['systemType']> = new Set(['ehr']);

/**
 * fhir.r4.inbound.v1 → adapter commands. For each canonical bundle, the integrations that take it are
 * those of the same facility that are active, synchronise outbound (or both ways), subscribe to at
 * least one of the bundle's resource types (or to all), have an adapter, and are not where the data
 * came from. Each gets the bundle, through its outbound mapping, as a command keyed by its patient,
 * with an id derived from the inbound event and the integration, so reprocessing repeats the same
 * command (adapters dedupe); sync state decides how each entity is written (see SyncService). A
 * bundle pulled from an EHR first updates that EHR's sync state, and its echoes of our writes are dropped.
 */
@Controller()
export class FhirRouterHandler {
  private readonly logger = new Logger('FhirRouter');

  constructor(
    private readonly configs: IntegrationConfigView,
    private readonly lifecycle: LifecyclePublisher,
    private readonly sync: SyncService,
    private readonly jobs: SyncJobsService,
    private readonly outbound: OutboundMapping,
    private readonly producer: EventProducer,
  ) {}

  @EventPattern(TOPICS.fhirInbound.name)
  async route(
    @Payload() event: CloudEvent<FhirBundlePayload>,
    @Ctx() context: KafkaEventContext,
  ): Promise<void> {
    const { key } = context.record;
    const facility = this.facilityOf(event, key);
    if (facility === undefined) {
      throw new PermanentError(
        'cannot tell the facility: no known ce_integrationid and the key is not hl7:<facility>|…',
      );
    }
    const source = event.integrationid === undefined ? undefined : this.configs.get(event.integrationid);
    // Changes pulled from an EHR: record what it now holds, and drop our own writes coming back.
    const bundle =
      source?.systemType === 'ehr' ? await this.sync.acceptExternal(source, event.data) : event.data;
    if (bundle.entry.length === 0) return;
    await this.announce(event, bundle);
    const types = new Set(bundle.entry.map((entry) => entry.resource?.resourceType));
    const targets = this.configs
      .all()
      .filter(
        (config) =>
          config.active &&
          config.facility === facility &&
          config.integrationId !== event.integrationid &&
          config.synchronization.enabled &&
          config.synchronization.direction !== 'inbound' &&
          ROUTABLE.has(config.systemType) &&
          subscribes(config, types),
      );
    if (targets.length === 0) {
      this.logger.debug({ msg: 'no integration takes this bundle', eventId: event.id });
      return;
    }
    const correlationId = event.correlationid ?? event.id;
    const patient = patientKey(key);
    for (const target of targets) {
      await this.sync.send({
        commandId: uuidV5(`${event.source}\u001f${event.id}\u001f${target.integrationId}`),
        integration: target,
        key: `${target.integrationId}|${patient}`,
        bundle: await this.outbound.apply(target, bundle),
        correlationId,
        causationId: event.id,
        ...(event.subject === undefined ? {} : { subject: event.subject }),
        sourceTime: bundle.timestamp ?? event.time,
      });
    }
    await this.lifecycle.publish(
      targets.map((target) => ({
        integrationId: target.integrationId,
        correlationId,
        status: 'pending' as const,
        step: 'orchestrator.route',
        attempt: context.record.attempt,
      })),
      event.id,
    );
  }

  /** An adapter's answer updates sync state (or its job) and completes the flow for that integration. */
  @EventPattern(TOPICS.ehrResults.name)
  async complete(
    @Payload() event: CloudEvent<CommandResultPayload>,
    @Ctx() context: KafkaEventContext,
  ): Promise<void> {
    const result = event.data;
    if (result.jobId !== undefined) {
      await this.jobs.onResult(result);
      return;
    }
    await this.sync.onResult(result);
    await this.lifecycle.publish(
      [
        {
          integrationId: result.integrationId,
          correlationId: event.correlationid ?? result.commandId,
          status: result.outcome === 'succeeded' ? 'completed' : 'failed',
          step: 'orchestrator.complete',
          attempt: context.record.attempt,
          ...(result.durationMs === undefined ? {} : { durationMs: result.durationMs }),
          ...(result.error === undefined ? {} : { error: result.error }),
        },
      ],
      event.id,
    );
  }

  /**
   * Tells partners what happened (webhooks.outbound.v1; the webhook dispatcher fans it out to the
   * endpoints subscribed to its type). The event id follows from the inbound event, so reprocessing
   * it announces the same event, which the dispatcher and partners dedupe.
   */
  private async announce(event: CloudEvent<FhirBundlePayload>, bundle: FhirBundlePayload): Promise<void> {
    const announced = partnerEvent(bundle);
    if (announced === undefined) return;
    const payload: WebhookRequestedPayload = {
      eventId: uuidV5(`${event.source}\u001f${event.id}\u001fpartner-event`),
      ...(event.integrationid === undefined ? {} : { integrationId: event.integrationid }),
      type: announced.type,
      timestamp: bundle.timestamp ?? event.time,
      data: announced.data,
    };
    await this.producer.publish(TOPICS.webhooksOutbound.name, [
      {
        key: event.integrationid ?? announced.type,
        event: createCloudEvent({
          id: payload.eventId,
          source: SOURCE,
          type: WEBHOOK_REQUESTED_V1,
          ...(event.integrationid === undefined ? {} : { integrationid: event.integrationid }),
          correlationid: event.correlationid ?? event.id,
          causationid: event.id,
          data: payload,
        }),
      },
    ]);
  }

  private facilityOf(event: CloudEvent, key: string | null): string | undefined {
    if (event.integrationid !== undefined) {
      const source = this.configs.get(event.integrationid);
      if (source) return source.facility;
    }
    const match = /^hl7:([^|]+)/.exec(key ?? '');
    return match?.[1];
  }
}

function subscribes(config: IntegrationConfigPayload, types: Set<string | undefined>): boolean {
  const wanted = config.synchronization.resourceTypes;
  return wanted === undefined || wanted.length === 0 || wanted.some((type) => types.has(type));
}

/** The patient part of the inbound key ("<integration>|<system>|<value>"), as "Patient/<system>|<value>". */
function patientKey(key: string | null): string {
  const parts = (key ?? '').split('|');
  return parts.length >= 3 ? `Patient/${parts.slice(1).join('|')}` : 'Patient/unknown';
}
