import type { IntegrationConfigPayload } from '@meridian/contracts';
import { PermanentError, TransientError } from '@meridian/kafka';
import type { IntegrationConfigView } from '@meridian/platform';

/**
 * The active FHIR integration a command or pull is for. One not in the view may be one whose
 * configuration this replica has not read yet (the orchestrator reads the same topic and may be
 * ahead): transient, so the runtime tries again a few times before the DLQ.
 */
export function activeFhirIntegration(
  configs: IntegrationConfigView,
  integrationId: string | undefined,
): IntegrationConfigPayload {
  if (integrationId === undefined) throw new PermanentError('the command has no ce_integrationid');
  const config = configs.get(integrationId);
  if (config === undefined) {
    // Deleted: nothing will ever take the command (DLQ now, redrive if it comes back). Unknown: its
    // configuration may still be on its way (the orchestrator can read it first), so retry.
    if (configs.isDeleted(integrationId))
      throw new PermanentError(`integration ${integrationId} was deleted`);
    throw new TransientError(`integration ${integrationId} is not configured`);
  }
  if (!config.active) throw new PermanentError(`integration ${integrationId} is inactive`);
  if (config.connection.type !== 'fhir') {
    throw new PermanentError(
      `integration ${integrationId} is a ${config.connection.type} connection, not fhir`,
    );
  }
  return config;
}
