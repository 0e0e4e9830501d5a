import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  Equals,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  ValidateNested,
} from 'class-validator';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';

export const FHIR_BUNDLE_TYPES = [
  'document',
  'message',
  'transaction',
  'transaction-response',
  'batch',
  'batch-response',
  'history',
  'searchset',
  'collection',
] as const;
export type FhirBundleType = (typeof FHIR_BUNDLE_TYPES)[number];

export const FHIR_HTTP_VERBS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

/**
 * Only what routing needs is checked here; the resource's content is validated against FHIR by
 * libs/fhir. Every other element is kept as received.
 */
export class FhirResource {
  @IsString()
  @IsNotEmpty()
  resourceType!: string;

  @IsOptional()
  @IsString()
  id?: string;

  [element: string]: unknown;
}

export class FhirBundleEntryRequest {
  @IsIn(FHIR_HTTP_VERBS)
  method!: (typeof FHIR_HTTP_VERBS)[number];

  /** Conditional URLs (`Patient?identifier=system|value`) make create/update idempotent on redelivery. */
  @IsString()
  @IsNotEmpty()
  url!: string;
}

export class FhirBundleEntry {
  @IsOptional()
  @IsString()
  fullUrl?: string;

  // Optional as in FHIR: a DELETE request or a transaction-response entry carries no resource.
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => FhirResource)
  resource?: FhirResource;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => FhirBundleEntryRequest)
  request?: FhirBundleEntryRequest;

  @IsOptional()
  @IsObject()
  response?: Record<string, unknown>;
}

/** A FHIR R4 Bundle, the platform's canonical clinical payload. */
export class FhirBundlePayload {
  @Equals('Bundle')
  resourceType!: 'Bundle';

  @IsOptional()
  @IsString()
  id?: string;

  @IsIn(FHIR_BUNDLE_TYPES)
  type!: FhirBundleType;

  @IsOptional()
  @IsRfc3339Timestamp()
  timestamp?: string;

  // FHIR JSON forbids empty arrays, and a bundle with nothing in it has nothing to route.
  @IsArray()
  @ArrayNotEmpty()
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => FhirBundleEntry)
  entry!: FhirBundleEntry[];
}
