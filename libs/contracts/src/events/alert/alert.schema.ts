import type { JsonSchema } from '../event-type-definition';
import { ALERT_SEVERITIES } from './alert.payload';

export const ALERT_SCHEMA: JsonSchema = {
  title: 'Alert',
  type: 'object',
  required: ['alertId', 'severity', 'rule', 'message'],
  properties: {
    alertId: { type: 'string', minLength: 1 },
    integrationId: { type: 'string', minLength: 1, description: 'Absent for platform-wide alerts.' },
    severity: { type: 'string', enum: ALERT_SEVERITIES },
    rule: { type: 'string', minLength: 1, description: 'e.g. integration.error-rate' },
    message: { type: 'string', minLength: 1, description: 'Ids and numbers only; never PHI.' },
  },
};
