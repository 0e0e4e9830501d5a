import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@meridian/platform';
import { FhirRouterHandler } from './routing/fhir-router.handler';

@Module({
  controllers: [FhirRouterHandler],
})
export class OrchestratorModule {}

export const orchestratorService: ServiceDefinition = {
  name: 'orchestrator',
  defaultPort: 3001,
  imports: [OrchestratorModule],
  integrationConfigs: true,
};
