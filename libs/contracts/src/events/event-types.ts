import { freezeDeep } from '../freeze-deep';
import { alertV1 } from './alert/alert.event';
import { commandResultV1 } from './command-result/command-result.event';
import { dlqRedriveV1 } from './dlq-redrive/dlq-redrive.event';
import { ehrPullV1 } from './ehr-pull/ehr-pull.event';
import type { EventTypeDefinition } from './event-type-definition';
import { fhirBundleV1 } from './fhir-bundle/fhir-bundle.event';
import { hl7V2ReceivedV1 } from './hl7-v2-received/hl7-v2-received.event';
import { integrationConfigV1 } from './integration-config/integration-config.event';
import { integrationLifecycleV1 } from './integration-lifecycle/integration-lifecycle.event';
import { jsonReceivedV1 } from './json-received/json-received.event';
import { serviceHeartbeatV1 } from './service-heartbeat/service-heartbeat.event';
import { syncCommandV1 } from './sync-command/sync-command.event';
import { syncConflictV1 } from './sync-conflict/sync-conflict.event';
import { syncJobV1 } from './sync-job/sync-job.event';
import { webhookCommandV1 } from './webhook-command/webhook-command.event';
import { webhookDeliveryV1 } from './webhook-delivery/webhook-delivery.event';
import { webhookDispatchV1 } from './webhook-dispatch/webhook-dispatch.event';
import { webhookEndpointV1 } from './webhook-endpoint/webhook-endpoint.event';
import { webhookReceivedV1 } from './webhook-received/webhook-received.event';
import { webhookRequestedV1 } from './webhook-requested/webhook-requested.event';

// To add a type: a folder under events/ (event, payload, schema, golden sample, spec), then list it here.
const definitions: readonly EventTypeDefinition[] = [
  hl7V2ReceivedV1,
  jsonReceivedV1,
  fhirBundleV1,
  commandResultV1,
  ehrPullV1,
  syncCommandV1,
  syncJobV1,
  syncConflictV1,
  webhookRequestedV1,
  webhookReceivedV1,
  webhookDeliveryV1,
  webhookEndpointV1,
  webhookCommandV1,
  webhookDispatchV1,
  integrationLifecycleV1,
  integrationConfigV1,
  alertV1,
  serviceHeartbeatV1,
  dlqRedriveV1,
];

/** Every event type on the platform, keyed by `ce_type`. */
export const EVENT_TYPES: Readonly<Record<string, EventTypeDefinition>> = freezeDeep(
  Object.fromEntries(definitions.map((definition) => [definition.type, definition])),
);

export function eventTypeOf(type: string): EventTypeDefinition | undefined {
  return Object.hasOwn(EVENT_TYPES, type) ? EVENT_TYPES[type] : undefined;
}
