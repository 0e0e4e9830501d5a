import type { SyncResolution } from '@meridian/contracts';

/**
 * Elements a merge keeps from its own bookkeeping and never takes from a side: the orchestrator's
 * `applyResolution` (apps/orchestrator/src/sync/conflict-resolution.ts) refuses a merge naming one.
 */
export const NOT_CONTENT = ['resourceType', 'id', 'meta', 'text'] as const;

/**
 * What the orchestrator would refuse in a well-formed resolution of a conflict on `entityType`, checked
 * here so the API answers 400 instead of accepting a command that ends in the orchestrator's DLQ with
 * the conflict still open. Problems name the element, never a value.
 */
export function resolutionProblems(entityType: string, resolution: SyncResolution): string[] {
  const problems: string[] = [];
  if (resolution.action === 'merge') {
    for (const key of Object.keys(resolution.fields ?? {})) {
      if ((NOT_CONTENT as readonly string[]).includes(key)) {
        problems.push(`fields.${key}: a merge cannot choose ${NOT_CONTENT.join(', ')} (not content)`);
      }
    }
  }
  if (resolution.action === 'manual' && resolution.data?.resourceType !== entityType) {
    problems.push(`data.resourceType: must be ${entityType}, the conflict's entity type`);
  }
  return problems;
}
