import 'reflect-metadata';
import { runService } from '@meridian/platform';
import { pmsAdapterService } from './app.module';

runService(pmsAdapterService);
