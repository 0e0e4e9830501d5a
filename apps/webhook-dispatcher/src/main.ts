import 'reflect-metadata';
import { runService } from '@meridian/platform';
import { webhookDispatcherService } from './app.module';

runService(webhookDispatcherService);
