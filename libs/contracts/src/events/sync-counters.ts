import { IsInt, Min } from 'class-validator';
import type { JsonSchema } from './event-type-definition';

/** What one pull or sync job did with the records it read: counts only, never content. */
export class SyncCounters {
  /** Resources read from the source system. */
  @IsInt()
  @Min(0)
  fetched!: number;

  /** Resources published onwards (to `fhir.r4.inbound.v1`). */
  @IsInt()
  @Min(0)
  published!: number;

  /** Resources read but not published (e.g. no business identifier to key them by). */
  @IsInt()
  @Min(0)
  skipped!: number;
}

export const SYNC_COUNTERS_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'Counts of what a pull or sync job did; never content.',
  required: ['fetched', 'published', 'skipped'],
  properties: {
    fetched: { type: 'integer', minimum: 0, description: 'Resources read from the source system.' },
    published: { type: 'integer', minimum: 0, description: 'Resources published to fhir.r4.inbound.v1.' },
    skipped: { type: 'integer', minimum: 0, description: 'Read but not published (e.g. no identifier).' },
  },
};
