import 'reflect-metadata';
import { runService } from '@meridian/platform';
import { gatewayService } from './app.module';

runService(gatewayService);
