/**
 * HAPI FHIR's R4 instance validator as a test oracle: `$validate` on the run's FHIR server
 * ({@link fhirServer}: tools/fhir-server, or FHIR_BASE_URL). It checks what a strict server checks
 * before it accepts a transaction: structure, cardinality, invariants, bindings, the codes of every
 * code system R4 ships (HL7 v2 tables, v3), OIDs, extension URLs. Terminology is HAPI's in-memory
 * support, so codes of external systems (LOINC, SNOMED) are not judged.
 */

export interface HapiIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  /** FHIRPath of the element, e.g. `Bundle.entry[2].resource.identifier[0].system`. */
  location: string;
  message: string;
  /** HAPI's message id, e.g. `Terminology_PassThrough_TX_Message`, `Type_Specific_Checks_DT_OID_Valid`. */
  messageId?: string;
}

interface OperationOutcomeJson {
  resourceType?: string;
  issue?: {
    severity?: HapiIssue['severity'];
    diagnostics?: string;
    expression?: string[];
    location?: string[];
    details?: { text?: string; coding?: { code?: string }[] };
  }[];
}

/** Every issue HAPI's validator raises for `resource` (any R4 resource, a Bundle included). */
export async function hapiValidate(
  baseUrl: string,
  resource: { resourceType: string },
): Promise<HapiIssue[]> {
  const response = await fetch(`${baseUrl}/${resource.resourceType}/$validate`, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
    body: JSON.stringify(resource),
  });
  const outcome = (await response.json()) as OperationOutcomeJson;
  if (outcome.resourceType !== 'OperationOutcome') {
    throw new Error(`$validate answered ${response.status} without an OperationOutcome`);
  }
  return (outcome.issue ?? []).map((issue) => ({
    severity: issue.severity ?? 'error',
    location: issue.expression?.[0] ?? issue.location?.[0] ?? '',
    message: issue.diagnostics ?? issue.details?.text ?? '',
    messageId: issue.details?.coding?.[0]?.code,
  }));
}

/** The issues a strict server refuses a resource for: severity error or fatal. */
export function hapiErrors(issues: readonly HapiIssue[]): HapiIssue[] {
  return issues.filter((issue) => issue.severity === 'error' || issue.severity === 'fatal');
}
