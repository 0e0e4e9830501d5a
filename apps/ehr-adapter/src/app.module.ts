import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ServiceDefinition } from '@meridian/platform';
import { BreakerEvents } from './clients/breaker-events';
import { EhrClients } from './clients/ehr-clients';
import { AppliedCommand } from './commands/applied-command.entity';
import { AppliedCommands } from './commands/applied-commands';
import { EhrCommandHandler } from './commands/ehr-command.handler';
import { EhrAdapterSettings } from './ehr-adapter.settings';
import { AppliedCommands1765100000000 } from './migrations/1765100000000-applied-commands';
import { EhrPullService } from './pull/ehr-pull.service';

@Module({
  imports: [TypeOrmModule.forFeature([AppliedCommand])],
  controllers: [EhrCommandHandler],
  providers: [AppliedCommands, BreakerEvents, EhrClients, EhrPullService],
})
export class EhrAdapterModule {}

export const ehrAdapterService: ServiceDefinition = {
  name: 'ehr-adapter',
  defaultPort: 3003,
  imports: [EhrAdapterModule],
  settings: EhrAdapterSettings,
  entities: [AppliedCommand],
  migrations: [AppliedCommands1765100000000],
  integrationConfigs: true,
  // An EHR that is down (its breaker open) holds only its own commands' keys; the other integrations
  // on the same partitions keep going. Each patient's commands stay in order.
  keyedConsumer: true,
};
