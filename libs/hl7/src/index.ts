export { acceptAckCode, buildAck, buildBatchAck, buildBatchNak, readPartialHeader } from './acknowledgement';
export type { AckCode, PartialHeader } from './acknowledgement';
export { splitBatch } from './batch';
export type { Batch, BatchGroup, SplitBatchResult } from './batch';
export { decodeHl7Bytes } from './character-set';
export { DEFAULT_ENCODING, encodingCharactersField } from './encoding-characters';
export type { EncodingCharacters } from './encoding-characters';
export { escapeHl7, unescapeHl7 } from './escape-sequences';
export { contentFingerprint, FINGERPRINT_IGNORED_FIELDS } from './fingerprint';
export { HL7_ERROR_TEXT } from './hl7-error';
export type { Hl7Error, Hl7ErrorCode } from './hl7-error';
export { Hl7Message, parseHl7, parseHl7Path } from './hl7-message';
export type { Hl7Path, ParseResult } from './hl7-message';
export { HL7_NULL, Hl7Segment } from './hl7-segment';
export {
  checkMessageStructure,
  MESSAGE_STRUCTURES,
  messageStructureFor,
  STRUCTURED_MESSAGE_TYPES,
} from './message-structures';
export type {
  GroupRequirement,
  MessageStructure,
  SegmentRequirement,
  StructureItem,
} from './message-structures';
export { encodeMllp, MLLP, MllpDecoder } from './mllp';
export { checkRequiredFields } from './required-fields';
export type { MllpDecoderOptions, MllpPushResult, OversizedFrame } from './mllp';
