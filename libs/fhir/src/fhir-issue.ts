export type FhirIssueSeverity = 'error' | 'warning' | 'information';

/**
 * One finding. `message` and `path` never contain a value from the resource (they are PHI):
 * messages name the rule, the R4 type and, for bindings, the value set URL; paths are element
 * names and array indexes (see README "Paths").
 */
export interface FhirIssue {
  severity: FhirIssueSeverity;
  path: string;
  message: string;
  /** `cardinality`, `format`, `binding`, `ref-1`, `bdl-7`, …: see README "Rules". */
  rule?: string;
}

export interface FhirValidationResult {
  /** True when no issue has severity `error`. */
  valid: boolean;
  issues: FhirIssue[];
}

/**
 * One line for a log or a `dlq.exception.message` header: `error Patient.gender [binding] code
 * not in required value set …; …`, cut at `maxLength` characters with a count of what was left out.
 */
export function formatIssues(issues: readonly FhirIssue[], maxLength = 2000): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; i < issues.length; i++) {
    const { severity, path, rule, message } = issues[i];
    const part = `${severity} ${path || '(resource)'}${rule ? ` [${rule}]` : ''} ${message}`;
    const rest = issues.length - i;
    if (length + part.length + 2 > maxLength && parts.length > 0) {
      parts.push(`… ${rest} more`);
      break;
    }
    parts.push(part);
    length += part.length + 2;
  }
  return parts.join('; ');
}
