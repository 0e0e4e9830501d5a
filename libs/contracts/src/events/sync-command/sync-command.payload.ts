import { Type } from 'class-transformer';
import {
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';

export const SYNC_COMMANDS = ['run-job', 'resolve-conflict'] as const;
export type SyncCommandName = (typeof SYNC_COMMANDS)[number];

/** What a person may decide for a held conflict (the automatic strategies are the orchestrator's). */
export const MANUAL_RESOLUTION_ACTIONS = ['use_local', 'use_external', 'merge', 'manual'] as const;
export type ManualResolutionAction = (typeof MANUAL_RESOLUTION_ACTIONS)[number];

export const FIELD_SIDES = ['local', 'external'] as const;
export type FieldSide = (typeof FIELD_SIDES)[number];

/** A non-empty object whose every value is `local` or `external` (the keys are FHIR element names). */
function IsFieldChoices(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isFieldChoices',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length > 0 &&
          Object.values(value).every((side) => (FIELD_SIDES as readonly unknown[]).includes(side)),
        defaultMessage: () => 'fields must map each element name to "local" or "external"',
      },
    },
    options,
  );
}

/**
 * How to settle one conflict held for a person: keep our version (`use_local`), take the EHR's
 * (`use_external`), pick a side per top-level element (`merge`, with `fields`) or write a resource the
 * person wrote (`manual`, with `data`). Also the body of the gateway's resolve API.
 */
export class SyncResolution {
  @IsIn(MANUAL_RESOLUTION_ACTIONS)
  action!: ManualResolutionAction;

  /** merge: top-level element name → the side to take it from, e.g. `{ "telecom": "external" }`. */
  @ValidateIf((r: SyncResolution) => r.action === 'merge' || r.fields !== undefined)
  @IsFieldChoices()
  fields?: Record<string, FieldSide>;

  /** manual: the resource to write to the EHR. */
  @ValidateIf((r: SyncResolution) => r.action === 'manual' || r.data !== undefined)
  @IsObject()
  data?: Record<string, unknown>;

  /** Why; kept with the audit trail. */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

/**
 * An operator's request to the orchestrator's sync engine, from the gateway API: run a sync job now
 * (`run-job`, with the job id the API returned) or settle a held conflict (`resolve-conflict`).
 */
export class SyncCommandPayload {
  /** Unique per command (also `ce_id`). */
  @IsString()
  @IsNotEmpty()
  commandId!: string;

  @IsIn(SYNC_COMMANDS)
  command!: SyncCommandName;

  @IsString()
  @IsNotEmpty()
  integrationId!: string;

  @IsRfc3339Timestamp()
  requestedAt!: string;

  /** Who asked (the API caller); audited. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  requestedBy?: string;

  /** run-job: the job id the API answered with; the job's events carry it. */
  @ValidateIf((c: SyncCommandPayload) => c.command === 'run-job' || c.jobId !== undefined)
  @IsString()
  @IsNotEmpty()
  jobId?: string;

  /** run-job: read changes since this time instead of the integration's cursor. */
  @IsOptional()
  @IsRfc3339Timestamp()
  since?: string;

  /** resolve-conflict: the conflict to settle. */
  @ValidateIf((c: SyncCommandPayload) => c.command === 'resolve-conflict' || c.conflictId !== undefined)
  @IsString()
  @IsNotEmpty()
  conflictId?: string;

  /** resolve-conflict: the decision. */
  @ValidateIf((c: SyncCommandPayload) => c.command === 'resolve-conflict' || c.resolution !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => SyncResolution)
  resolution?: SyncResolution;
}
