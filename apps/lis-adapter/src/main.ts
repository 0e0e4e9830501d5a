import 'reflect-metadata';
import { runService } from '@meridian/platform';
import { lisAdapterService } from './app.module';

runService(lisAdapterService);
