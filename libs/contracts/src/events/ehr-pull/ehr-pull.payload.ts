import { ArrayNotEmpty, IsArray, IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';

/** A FHIR resource type name, e.g. `Patient`. */
export const FHIR_RESOURCE_TYPE = /^[A-Z][A-Za-z]{0,63}$/;

/**
 * Asks the EHR adapter to read what changed on an integration's FHIR server and publish it to
 * `fhir.r4.inbound.v1`. The adapter answers on `ehr.results.v1` with the job id, counters and the
 * watermark the next pull starts from.
 */
export class EhrPullPayload {
  /** The sync job this pull belongs to; echoed on the result. */
  @IsString()
  @IsNotEmpty()
  jobId!: string;

  @IsString()
  @IsNotEmpty()
  integrationId!: string;

  /** Resource types to search, e.g. `["Patient", "Encounter"]`. */
  @IsArray()
  @ArrayNotEmpty()
  @Matches(FHIR_RESOURCE_TYPE, {
    each: true,
    message: 'each resourceTypes item must be a FHIR resource type',
  })
  resourceTypes!: string[];

  /** Read changes strictly after this time (`_lastUpdated=gt<since>`); absent: everything. */
  @IsOptional()
  @IsRfc3339Timestamp()
  since?: string;

  @IsRfc3339Timestamp()
  requestedAt!: string;
}
