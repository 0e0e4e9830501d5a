import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** A service's registry: process metrics, plus `meridian_build_info` (always 1) naming the build. */
export function createMetricsRegistry(service: string, version: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'meridian_build_info',
    help: 'Always 1; labels name the service and its version.',
    labelNames: ['service', 'version', 'node_version'],
    registers: [registry],
  }).set({ service, version, node_version: process.version }, 1);
  return registry;
}
