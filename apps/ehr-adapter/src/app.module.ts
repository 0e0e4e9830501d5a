import { Module } from '@nestjs/common';
import type { ServiceDefinition } from '@meridian/platform';
import { BreakerEvents } from './clients/breaker-events';
import { EhrClients } from './clients/ehr-clients';
import { EhrCommandHandler } from './commands/ehr-command.handler';
import { EhrAdapterSettings } from './ehr-adapter.settings';
import { EhrPullService } from './pull/ehr-pull.service';

@Module({
  controllers: [EhrCommandHandler],
  providers: [BreakerEvents, EhrClients, EhrPullService],
})
export class EhrAdapterModule {}

export const ehrAdapterService: ServiceDefinition = {
  name: 'ehr-adapter',
  defaultPort: 3003,
  imports: [EhrAdapterModule],
  settings: EhrAdapterSettings,
  integrationConfigs: true,
  // An EHR that is down (its breaker open) holds only its own commands' keys; the other integrations
  // on the same partitions keep going. Each patient's commands stay in order.
  keyedConsumer: true,
};
