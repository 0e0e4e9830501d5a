import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ErrorSummary } from '../error-summary';

export const COMMAND_OUTCOMES = ['succeeded', 'failed'] as const;
export type CommandOutcome = (typeof COMMAND_OUTCOMES)[number];

/** What an adapter did with one command; the orchestrator updates sync state from it. */
export class CommandResultPayload {
  /** The `ce_id` of the command (also `ce_causationid`). */
  @IsString()
  @IsNotEmpty()
  commandId!: string;

  @IsString()
  @IsNotEmpty()
  integrationId!: string;

  @IsIn(COMMAND_OUTCOMES)
  outcome!: CommandOutcome;

  /** References in the target system, e.g. `Patient/123`; ids, not content. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  references?: string[];

  /** The target system's HTTP status, when it answered over HTTP. */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(599)
  statusCode?: number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  durationMs?: number;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ErrorSummary)
  error?: ErrorSummary;
}
