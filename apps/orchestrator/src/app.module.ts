import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@meridian/platform';

@Module({})
export class OrchestratorModule {}

export const orchestratorService: ServiceDefinition = {
  name: 'orchestrator',
  defaultPort: 3001,
  imports: [OrchestratorModule],
  integrationConfigs: true,
};
