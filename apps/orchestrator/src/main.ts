import 'reflect-metadata';
import { runService } from '@meridian/platform';
import { orchestratorService } from './app.module';

runService(orchestratorService);
