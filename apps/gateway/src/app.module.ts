import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ServiceDefinition } from '@meridian/platform';
import { GatewaySettings } from './gateway.settings';
import { Hl7DedupeRepository } from './hl7/hl7-dedupe.repository';
import { Hl7HttpController } from './hl7/hl7-http.controller';
import { Hl7IntakeService } from './hl7/hl7-intake.service';
import { Hl7Received } from './hl7/hl7-received.entity';
import { MllpServer } from './hl7/mllp.server';
import { Hl7Received1764000000000 } from './migrations/1764000000000-hl7-received';

@Module({
  imports: [TypeOrmModule.forFeature([Hl7Received])],
  controllers: [Hl7HttpController],
  providers: [Hl7DedupeRepository, Hl7IntakeService, MllpServer],
})
export class GatewayModule {}

export const gatewayService: ServiceDefinition = {
  name: 'gateway',
  defaultPort: 3000,
  imports: [GatewayModule],
  entities: [Hl7Received],
  migrations: [Hl7Received1764000000000],
  settings: GatewaySettings,
};
