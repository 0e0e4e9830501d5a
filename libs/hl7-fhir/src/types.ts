/** Result of a conversion: expected failures are values (the transformer sends them to the DLQ). */
export type ConversionResult =
  { ok: true; bundle: fhir4.Bundle; warnings: ConversionWarning[] } | { ok: false; error: ConversionError };

export type ConversionErrorCode =
  /** Message type/event this library does not convert. */
  | 'UNSUPPORTED_MESSAGE_TYPE'
  /** A segment the message type needs (PID, OBR, ORC, SCH, TXA, MRG, RXA, RXE, RXD…) is not there. */
  | 'MISSING_SEGMENT'
  /** The patient (or the prior patient of a merge: MRG-1, MRG-4, MRG-2) has no identifier, so it cannot be matched downstream. */
  | 'MISSING_PATIENT_IDENTIFIER'
  /** A document message without any content to carry. */
  | 'MISSING_CONTENT'
  /** Neither MSH-7 nor ConvertOptions.recordedAt gives a time for the Provenance. */
  | 'MISSING_MESSAGE_TIME'
  /** ConvertOptions are not usable (e.g. an unknown time zone). */
  | 'INVALID_OPTIONS'
  /** ConvertOptions.validate rejected the produced Bundle. */
  | 'FHIR_VALIDATION_FAILED'
  /** A bug: the converter threw. The reason says where, never what value. */
  | 'INTERNAL_ERROR';

export interface ConversionError {
  code: ConversionErrorCode;
  /** Why, without any value from the message (PHI). */
  reason: string;
  /** HL7 location ('PID', 'OBR[2]-4') or, for validation failures, the resource and FHIR path. */
  location?: string;
}

export type ConversionWarningCode =
  | 'INVALID_DATE'
  | 'INVALID_NUMBER'
  | 'INVALID_VALUE'
  | 'UNKNOWN_VALUE_TYPE'
  | 'UNSUPPORTED_VALUE_TYPE'
  | 'UNEXPECTED_REPETITION'
  | 'MISSING_VALUE'
  | 'UNMAPPED_CODE'
  | 'Z_SEGMENT_KEPT'
  | 'SEGMENT_SKIPPED';

/** Something converted with a loss or an assumption. Never carries a value from the message (PHI). */
export interface ConversionWarning {
  code: ConversionWarningCode;
  /** HL7 path: 'PID-7', 'OBX[2]-2', 'ZPD'. */
  location: string;
  reason: string;
}

/** Signature of libs/fhir's validateFhirResource, injected so this library stays pure and testable. */
export type FhirValidator = (resource: unknown) => {
  valid: boolean;
  issues: { severity: string; path: string; message: string }[];
};

export interface ConvertOptions {
  /**
   * Identifier system URI per assigning authority, keyed by HD namespace id (CX.4.1, EI.2, XCN.9.1)
   * or universal id (CX.4.2). Wins over every default.
   */
  identifierSystems?: Record<string, string>;
  /** Prefix for authorities without an override or an ISO/UUID/URI universal id. Default 'urn:meridian:id:'. */
  defaultSystemBase?: string;
  /** Code system URI per HL7 coding system name (CWE.3), e.g. { L: 'http://lab.example.org/codes' }. */
  codeSystems?: Record<string, string>;
  /** Prefix for local/unknown coding systems. Default 'urn:meridian:codesystem:'. */
  defaultCodeSystemBase?: string;
  /**
   * Zone of times sent without an offset (FHIR requires one once a time is given): 'UTC' (default),
   * a fixed offset '+02:00', or an IANA zone 'Europe/Berlin' (daylight saving applied per value).
   */
  defaultTimeZone?: string;
  /** The integration the message came through: recorded in the Provenance. */
  integrationId?: string;
  /** Provenance.recorded (and Bundle.timestamp); default MSH-7. Never the wall clock, so output is reproducible. */
  recordedAt?: string | Date;
  /**
   * Patient and Encounter are updated (conditional PUT) from ADT only, and created if missing
   * (conditional create) from other messages, whose PID/PV1 are usually sparse. true: update from all.
   */
  updatePatientFromAllMessages?: boolean;
  /** Validates the produced Bundle (every entry and the Bundle's rules); a failure makes the result FHIR_VALIDATION_FAILED. */
  validate?: FhirValidator;
}

export function isConversionError(value: unknown): value is ConversionError {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}
