import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@meridian/platform';

@Module({})
export class PmsAdapterModule {}

export const pmsAdapterService: ServiceDefinition = {
  name: 'pms-adapter',
  defaultPort: 3004,
  imports: [PmsAdapterModule],
};
