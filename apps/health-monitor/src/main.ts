import 'reflect-metadata';
import { runService } from '@meridian/platform';
import { healthMonitorService } from './app.module';

runService(healthMonitorService);
