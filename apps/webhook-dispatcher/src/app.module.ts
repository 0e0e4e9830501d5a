import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@meridian/platform';

@Module({})
export class WebhookDispatcherModule {}

export const webhookDispatcherService: ServiceDefinition = {
  name: 'webhook-dispatcher',
  defaultPort: 3006,
  imports: [WebhookDispatcherModule],
};
