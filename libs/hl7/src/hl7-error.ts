/**
 * HL7 table 0357 (message error condition codes) that this library reports:
 * 100 segment sequence error, 101 required field missing, 102 data type error, 103 table value not found,
 * 104 value too long (v2.7; used for messages over the receiver's size limit),
 * 200 unsupported message type, 201 unsupported event code, 202 unsupported processing id,
 * 203 unsupported version id, 205 duplicate key identifier (a control id reused by a different message),
 * 207 application internal error.
 */
export type Hl7ErrorCode =
  '100' | '101' | '102' | '103' | '104' | '200' | '201' | '202' | '203' | '205' | '207';

/**
 * A parse or validation failure. `reason` is written for people and never quotes a value from the
 * message (only segment ids, positions and counts), so it is safe to log and to put in a DLQ header.
 */
export interface Hl7Error {
  reason: string;
  segment?: string;
  /** Segment position in the message, 1-based. */
  sequence?: number;
  field?: number;
  code: Hl7ErrorCode;
}

/** Table 0357 texts, used for ERR-3.2 / ERR-1.4.2. */
export const HL7_ERROR_TEXT: Readonly<Record<Hl7ErrorCode, string>> = {
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '104': 'Value too long',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '205': 'Duplicate key identifier',
  '207': 'Application internal error',
};
