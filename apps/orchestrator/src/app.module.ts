import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@meridian/platform';
import { FhirRouterHandler } from './routing/fhir-router.handler';
import { LifecyclePublisher } from './routing/lifecycle.publisher';

@Module({
  controllers: [FhirRouterHandler],
  providers: [LifecyclePublisher],
})
export class OrchestratorModule {}

export const orchestratorService: ServiceDefinition = {
  name: 'orchestrator',
  defaultPort: 3001,
  imports: [OrchestratorModule],
  integrationConfigs: true,
};
