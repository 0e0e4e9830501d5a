import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@meridian/platform';

@Module({})
export class LisAdapterModule {}

export const lisAdapterService: ServiceDefinition = {
  name: 'lis-adapter',
  defaultPort: 3005,
  imports: [LisAdapterModule],
};
