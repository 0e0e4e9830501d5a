// Wire names are frozen: other services, partners and upstream systems use these strings. If this spec
// fails because a name changed or disappeared, undo it and publish a new `.v2` name beside the old one.
// A spec failing because a name was ADDED only needs the new name listed here.
import { EVENT_TYPES } from './events/event-types';
import { CE, CONTENT_TYPE, DLQ_HEADERS, REDRIVE_HEADERS } from './headers/header-names';
import { SERVICE_NAMES } from './services/service-names';
import { allTopicDefinitions, TOPICS } from './topics/topics';

describe('wire names', () => {
  it('keeps every topic name', () => {
    expect(Object.fromEntries(Object.entries(TOPICS).map(([key, topic]) => [key, topic.name]))).toEqual({
      hl7Inbound: 'hl7.v2.inbound.v1',
      jsonInbound: 'json.inbound.v1',
      fhirInbound: 'fhir.r4.inbound.v1',
      ehrCommands: 'ehr.commands.v1',
      ehrResults: 'ehr.results.v1',
      pmsCommands: 'pms.commands.v1',
      pmsResults: 'pms.results.v1',
      lisCommands: 'lis.commands.v1',
      lisResults: 'lis.results.v1',
      webhooksOutbound: 'webhooks.outbound.v1',
      webhooksInbound: 'webhooks.inbound.v1',
      webhookEndpoints: 'webhook.endpoints.v1',
      webhookCommands: 'webhooks.commands.v1',
      webhookDispatch: 'webhooks.dispatch.v1',
      webhookDeliveries: 'webhooks.deliveries.v1',
      syncCommands: 'sync.commands.v1',
      syncEvents: 'sync.events.v1',
      integrationEvents: 'integration.events.v1',
      integrationConfig: 'integration.config.v1',
      alerts: 'alerts.v1',
      serviceHeartbeats: 'service.heartbeats.v1',
      dlqRedriveAudit: 'ops.dlq-redrive.audit.v1',
    });
  });

  it('keeps every retry-tier topic name', () => {
    expect(
      allTopicDefinitions()
        .filter((topic) => topic.retryOf !== undefined)
        .map((topic) => topic.name),
    ).toEqual([
      'webhooks.dispatch.v1.retry-5s',
      'webhooks.dispatch.v1.retry-5m',
      'webhooks.dispatch.v1.retry-30m',
      'webhooks.dispatch.v1.retry-2h',
      'webhooks.dispatch.v1.retry-5h',
      'webhooks.dispatch.v1.retry-10h',
    ]);
  });

  it('keeps every event type and its content type', () => {
    expect(
      Object.fromEntries(
        Object.values(EVENT_TYPES).map((definition) => [definition.type, definition.contentType]),
      ),
    ).toEqual({
      'org.meridian.hl7.v2.received.v1': 'x-application/hl7-v2+er7',
      'org.meridian.json.received.v1': 'application/json',
      'org.meridian.fhir.bundle.v1': 'application/fhir+json',
      'org.meridian.command.result.v1': 'application/json',
      'org.meridian.ehr.pull.v1': 'application/json',
      'org.meridian.sync.command.v1': 'application/json',
      'org.meridian.sync.job.v1': 'application/json',
      'org.meridian.sync.conflict.v1': 'application/json',
      'org.meridian.webhook.requested.v1': 'application/json',
      'org.meridian.webhook.received.v1': 'application/json',
      'org.meridian.webhook.delivery.v1': 'application/json',
      'org.meridian.webhook.endpoint.v1': 'application/json',
      'org.meridian.webhook.command.v1': 'application/json',
      'org.meridian.webhook.dispatch.v1': 'application/json',
      'org.meridian.integration.lifecycle.v1': 'application/json',
      'org.meridian.integration.config.v1': 'application/json',
      'org.meridian.alert.v1': 'application/json',
      'org.meridian.service.heartbeat.v1': 'application/json',
      'org.meridian.dlq.redrive.v1': 'application/json',
    });
  });

  it('keeps every header name', () => {
    expect([
      ...Object.values(CE),
      CONTENT_TYPE,
      ...Object.values(DLQ_HEADERS),
      ...Object.values(REDRIVE_HEADERS),
    ]).toEqual([
      'ce_id',
      'ce_source',
      'ce_type',
      'ce_specversion',
      'ce_time',
      'ce_subject',
      'ce_dataschema',
      'ce_correlationid',
      'ce_causationid',
      'ce_integrationid',
      'ce_traceparent',
      'content-type',
      'dlq.original.topic',
      'dlq.original.partition',
      'dlq.original.offset',
      'dlq.original.timestamp',
      'dlq.consumer.group',
      'dlq.stage',
      'dlq.exception.class',
      'dlq.exception.message',
      'dlq.attempts',
      'dlq.failed.at',
      'redrive.count',
      'redrive.at',
    ]);
  });

  it('keeps every service name (they appear in ce_source and consumer groups)', () => {
    expect(SERVICE_NAMES).toEqual([
      'gateway',
      'orchestrator',
      'transformer',
      'ehr-adapter',
      'pms-adapter',
      'lis-adapter',
      'webhook-dispatcher',
      'health-monitor',
    ]);
  });
});
