import 'reflect-metadata';
import { runService } from '@meridian/platform';
import { ehrAdapterService } from './app.module';

runService(ehrAdapterService);
