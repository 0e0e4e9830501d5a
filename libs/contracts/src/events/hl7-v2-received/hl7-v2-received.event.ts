import type { EventTypeDefinition } from '../event-type-definition';
import { HL7_V2_RECEIVED_SCHEMA } from './hl7-v2-received.schema';

export const HL7_V2_RECEIVED_V1 = 'org.meridian.hl7.v2.received.v1';

/** The media type HL7 registers for ER7 (pipe-delimited) v2 messages. */
export const HL7_V2_ER7_CONTENT_TYPE = 'x-application/hl7-v2+er7';

export const hl7V2ReceivedV1: EventTypeDefinition = {
  type: HL7_V2_RECEIVED_V1,
  contentType: HL7_V2_ER7_CONTENT_TYPE,
  description:
    'A raw HL7 v2 message accepted from a sender (MLLP, HTTP or a direct Kafka publisher), before any ' +
    'parsing. The data is the ER7 text itself; the transformer parses and converts it.',
  // Synthetic ADT^A01: no real patient.
  example:
    'MSH|^~\\&|ADT1|GOODHEALTH|MERIDIAN|MERIDIAN|20250114083000||ADT^A01^ADT_A01|MSG00001|P|2.5.1\r' +
    'EVN|A01|20250114083000\r' +
    'PID|1||MRN-000123^^^GOODHEALTH^MR||DOE^JANE^Q||19800101|F|||1 MAIN ST^^SPRINGFIELD^IL^62701\r' +
    'PV1|1|I|W^101^1^GOODHEALTH||||1234^SMITH^ADAM\r',
  schema: HL7_V2_RECEIVED_SCHEMA,
};
