import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@meridian/platform';

@Module({})
export class GatewayModule {}

export const gatewayService: ServiceDefinition = {
  name: 'gateway',
  defaultPort: 3000,
  imports: [GatewayModule],
};
