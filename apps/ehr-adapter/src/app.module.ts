import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@meridian/platform';

@Module({})
export class EhrAdapterModule {}

export const ehrAdapterService: ServiceDefinition = {
  name: 'ehr-adapter',
  defaultPort: 3003,
  imports: [EhrAdapterModule],
  integrationConfigs: true,
};
