import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@meridian/platform';

@Module({})
export class TransformerModule {}

export const transformerService: ServiceDefinition = {
  name: 'transformer',
  defaultPort: 3002,
  imports: [TransformerModule],
};
