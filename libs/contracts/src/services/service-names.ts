/** Every deployable service. Topic producers and consumers are named from this list. */
export const SERVICE_NAMES = [
  'gateway',
  'orchestrator',
  'transformer',
  'ehr-adapter',
  'pms-adapter',
  'lis-adapter',
  'webhook-dispatcher',
  'health-monitor',
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

export function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}

/** The `ce_source` a Meridian service stamps on the events it produces. */
export function serviceSource(service: ServiceName): string {
  return `/meridian/${service}`;
}
