import type { ServerResponse } from 'node:http';
import { ParseUUIDPipe, ValidationPipe } from '@nestjs/common';

/** Bodies: class-validator DTOs, unknown properties refused (a 400 names them). */
export const body = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

/** Ids in paths: the gateway's ids are UUID v4 (a 400 otherwise, not a 404). */
export const uuid = new ParseUUIDPipe({ version: '4' });

/** The view's version as its ETag, the pair of `versionOf(If-Match)`. */
export function withEtag<T extends { version: number }>(response: ServerResponse, view: T): T {
  response.setHeader('ETag', `"${view.version}"`);
  return view;
}
