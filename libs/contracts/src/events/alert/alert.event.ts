import type { EventTypeDefinition } from '../event-type-definition';
import { AlertPayload } from './alert.payload';
import { ALERT_SCHEMA } from './alert.schema';

export const ALERT_V1 = 'org.meridian.alert.v1';

export const alertV1: EventTypeDefinition = {
  type: ALERT_V1,
  contentType: 'application/json',
  payload: AlertPayload,
  description: 'An alert raised by the health monitor.',
  example: {
    alertId: 'alr-20250114-0007',
    integrationId: 'int-goodhealth-adt',
    severity: 'warning',
    rule: 'integration.error-rate',
    message: 'error rate 12% over 5 min exceeds 5% threshold',
  },
  schema: ALERT_SCHEMA,
};
