// FHIR R4 types (@types/fhir) as the global namespace `fhir4`, for this library and its callers.
/// <reference types="fhir/r4" />
