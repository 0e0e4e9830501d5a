import type { JsonSchema } from '../event-type-definition';

export const DLQ_REDRIVE_SCHEMA: JsonSchema = {
  title: 'DLQ redrive audit entry',
  type: 'object',
  required: ['dlqTopic', 'targetTopic', 'partition', 'offset', 'ceId', 'operator', 'reason', 'at'],
  properties: {
    dlqTopic: { type: 'string', minLength: 1 },
    targetTopic: { type: 'string', minLength: 1 },
    partition: { type: 'integer', minimum: 0, description: 'Partition of the record in the DLQ topic.' },
    offset: {
      type: 'string',
      pattern: '^\\d+$',
      description: 'Offset in the DLQ topic (64-bit, as a string).',
    },
    ceId: { type: 'string', minLength: 1 },
    operator: { type: 'string', minLength: 1, description: 'Who ran the redrive.' },
    reason: { type: 'string', minLength: 1 },
    at: { type: 'string', format: 'date-time' },
  },
};
