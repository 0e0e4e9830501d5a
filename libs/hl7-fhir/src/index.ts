export { convertHl7ToFhir, SUPPORTED_MESSAGE_TYPES } from './convert';
export { MERIDIAN_HL7_FHIR_NAMESPACE, uuidV5 } from './ids';
export { EXT_Z_SEGMENT } from './resources/provenance';
export { EXT_ORIGINAL_UNIT } from './resources/observation-value';
export { DEFAULT_CODE_SYSTEM_BASE, DEFAULT_IDENTIFIER_SYSTEM_BASE } from './systems';
export type {
  ConversionError,
  ConversionErrorCode,
  ConversionResult,
  ConversionWarning,
  ConversionWarningCode,
  ConvertOptions,
  FhirValidator,
} from './types';
export { serviceRequestToOrm, toV2DateTime } from './orm-writer';
export type { OrmWriterOptions } from './orm-writer';
