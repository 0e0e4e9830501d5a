import type { JsonSchema } from '../event-type-definition';

export const HL7_V2_RECEIVED_SCHEMA: JsonSchema = {
  title: 'HL7 v2 message (ER7)',
  description:
    'One HL7 v2 message (or one FHS/BHS batch) exactly as the sender produced it, ER7-encoded, UTF-8, ' +
    'segments separated by carriage return (0x0D). The value is the raw text: no JSON, no MLLP framing.',
  type: 'string',
  minLength: 1,
  pattern: '^(MSH|FHS|BHS)',
};
