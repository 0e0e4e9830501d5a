import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@meridian/platform';
import { Hl7ToFhirHandler } from './hl7/hl7-to-fhir.handler';
import { TransformerSettings } from './transformer.settings';

@Module({
  controllers: [Hl7ToFhirHandler],
})
export class TransformerModule {}

export const transformerService: ServiceDefinition = {
  name: 'transformer',
  defaultPort: 3002,
  imports: [TransformerModule],
  settings: TransformerSettings,
  integrationConfigs: true,
};
