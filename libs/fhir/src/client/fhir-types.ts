/** The little of FHIR R4's JSON the client needs to know; everything else passes through untouched. */
export interface FhirResource {
  resourceType: string;
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string; [element: string]: unknown };
  [element: string]: unknown;
}

export interface OperationOutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: string;
  /** Server-written text: may quote the request's data (PHI). */
  diagnostics?: string;
  details?: { text?: string; [element: string]: unknown };
  expression?: string[];
  [element: string]: unknown;
}

export interface OperationOutcome extends FhirResource {
  resourceType: 'OperationOutcome';
  issue: OperationOutcomeIssue[];
}

export interface BundleEntry<T extends FhirResource = FhirResource> {
  fullUrl?: string;
  resource?: T;
  search?: { mode?: 'match' | 'include' | 'outcome'; score?: number };
  request?: {
    method: string;
    url: string;
    ifNoneExist?: string;
    ifMatch?: string;
    [element: string]: unknown;
  };
  response?: {
    status: string;
    location?: string;
    etag?: string;
    lastModified?: string;
    [element: string]: unknown;
  };
  [element: string]: unknown;
}

export interface Bundle<T extends FhirResource = FhirResource> extends FhirResource {
  resourceType: 'Bundle';
  type: string;
  total?: number;
  link?: Array<{ relation: string; url: string }>;
  entry?: Array<BundleEntry<T>>;
}

/** Search parameters as fhir-kit-client takes them: repeated parameters as arrays. */
export type SearchParams = Record<
  string,
  string | number | boolean | ReadonlyArray<string | number | boolean>
>;

export function isOperationOutcome(value: unknown): value is OperationOutcome {
  const candidate = value as Partial<OperationOutcome> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.resourceType === 'OperationOutcome' &&
    Array.isArray(candidate.issue)
  );
}
