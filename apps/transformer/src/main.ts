import 'reflect-metadata';
import { runService } from '@meridian/platform';
import { transformerService } from './app.module';

runService(transformerService);
