import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  type CloudEvent,
  createCloudEvent,
  FHIR_BUNDLE_V1,
  type IntegrationConfigPayload,
  TOPICS,
} from '@meridian/contracts';
import { validateFhirResource } from '@meridian/fhir';
import { type Hl7Error, type Hl7Message, parseHl7 } from '@meridian/hl7';
import { convertHl7ToFhir, uuidV5 } from '@meridian/hl7-fhir';
import { EventProducer, KafkaEventContext, PermanentError, safeErrorMessage } from '@meridian/kafka';
import { IntegrationConfigView, LifecyclePublisher, SERVICE_SETTINGS } from '@meridian/platform';
import type { TransformerSettings } from '../transformer.settings';

const SOURCE = '/meridian/transformer';

/**
 * hl7.v2.inbound.v1 → fhir.r4.inbound.v1: parse, convert to one transaction Bundle, validate the
 * Bundle (every entry and the Bundle's own rules) against FHIR R4, publish. Anything that cannot become valid FHIR is a permanent error: the
 * record goes to the DLQ with the reason (positions and rules, never values) and nothing goes downstream.
 * For a message from a registered integration, the outcome is a step `transformer.hl7-to-fhir` on
 * integration.events.v1 (completed with its duration, or failed with the reason).
 */
@Controller()
export class Hl7ToFhirHandler {
  private readonly logger = new Logger('Hl7ToFhir');

  constructor(
    private readonly producer: EventProducer,
    private readonly configs: IntegrationConfigView,
    private readonly lifecycle: LifecyclePublisher,
    @Inject(SERVICE_SETTINGS) private readonly settings: TransformerSettings,
  ) {}

  /**
   * The integration the message came through: the one the record names (ce_integrationid), else the
   * active HL7 integration registered for the sending facility. Its `hl7` settings refine the
   * service-wide defaults, and its id travels on, so the orchestrator knows the source.
   */
  private sourceOf(event: CloudEvent, facility: string): IntegrationConfigPayload | undefined {
    if (event.integrationid !== undefined) return this.configs.get(event.integrationid);
    return this.configs
      .all()
      .find((config) => config.active && config.connection.type === 'hl7' && config.facility === facility);
  }

  @EventPattern(TOPICS.hl7Inbound.name)
  async convert(@Payload() event: CloudEvent<unknown>, @Ctx() context: KafkaEventContext): Promise<void> {
    if (typeof event.data !== 'string') throw new PermanentError('the record holds no ER7 text');
    const parsed = parseHl7(event.data);
    if (!parsed.ok) throw new PermanentError(`not a valid HL7 v2 message: ${describeHl7Error(parsed.error)}`);
    const message = parsed.message;
    const source = this.sourceOf(event, message.sendingFacility || message.sendingApplication);
    const started = performance.now();
    const step = (status: 'completed' | 'failed', error?: unknown) =>
      source === undefined
        ? Promise.resolve()
        : this.lifecycle.publish(
            {
              integrationId: source.integrationId,
              correlationId: event.correlationid ?? event.id,
              status,
              step: 'transformer.hl7-to-fhir',
              attempt: context.record.attempt,
              durationMs: Math.round(performance.now() - started),
              ...(error === undefined
                ? {}
                : { error: { class: 'PermanentError', message: safeErrorMessage(error), retryable: false } }),
            },
            event.id,
          );
    try {
      await this.publishConverted(event, message, source);
    } catch (error) {
      if (error instanceof PermanentError) await step('failed', error);
      throw error;
    }
    await step('completed');
  }

  private async publishConverted(
    event: CloudEvent<unknown>,
    message: Hl7Message,
    source: IntegrationConfigPayload | undefined,
  ): Promise<void> {
    const hl7 = source?.hl7;
    const result = convertHl7ToFhir(message, {
      identifierSystems: { ...this.settings.HL7_IDENTIFIER_SYSTEMS, ...hl7?.identifierSystems },
      ...(hl7?.codeSystems ? { codeSystems: hl7.codeSystems } : {}),
      defaultTimeZone: hl7?.defaultTimeZone ?? this.settings.HL7_DEFAULT_TIME_ZONE,
      integrationId: source?.integrationId,
      validate: validateFhirResource,
    });
    if (!result.ok) {
      const { code, location, reason } = result.error;
      throw new PermanentError(`conversion failed: ${code}${location ? ` at ${location}` : ''}: ${reason}`);
    }
    if (result.warnings.length > 0) {
      this.logger.warn({
        msg: 'converted with warnings',
        eventId: event.id,
        warnings: result.warnings.map((w) => `${w.code} ${w.location}: ${w.reason}`),
      });
    }
    const { code, trigger } = message.messageType;
    const integration =
      source?.integrationId ?? `hl7:${message.sendingFacility || message.sendingApplication}`;
    await this.producer.publish(TOPICS.fhirInbound.name, [
      {
        key: bundleKey(result.bundle, integration),
        event: createCloudEvent({
          // Derived from the input's id: reprocessing the same record republishes the same event,
          // which consumers dedupe on (ce_source, ce_id).
          id: uuidV5(`${event.source}\u001f${event.id}\u001f${SOURCE}`),
          source: SOURCE,
          type: FHIR_BUNDLE_V1,
          subject: `${code}^${trigger}`,
          causationid: event.id,
          correlationid: event.correlationid ?? event.id,
          integrationid: source?.integrationId,
          data: result.bundle,
        }),
      },
    ]);
  }
}

/** The topic's key: "<integration>|<system>|<value>" of the Patient's first identifier, or the integration alone. */
export function bundleKey(bundle: fhir4.Bundle, integration: string): string {
  const patient = bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource as
    fhir4.Patient | undefined;
  const identifier = patient?.identifier?.find((i) => i.value !== undefined);
  return identifier ? `${integration}|${identifier.system ?? ''}|${identifier.value}` : integration;
}

function describeHl7Error(error: Hl7Error): string {
  const where = [error.segment, error.sequence, error.field].filter((p) => p !== undefined).join(' ');
  return `${error.reason}${where ? ` (${where})` : ''} [HL7 error ${error.code}]`;
}
