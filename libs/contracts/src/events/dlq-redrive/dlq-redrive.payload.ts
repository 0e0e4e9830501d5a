import { IsInt, IsNotEmpty, IsString, Matches, Min } from 'class-validator';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';

/** Audit of one dead letter re-produced to its topic: who, why, which record. */
export class DlqRedrivePayload {
  @IsString()
  @IsNotEmpty()
  dlqTopic!: string;

  @IsString()
  @IsNotEmpty()
  targetTopic!: string;

  @IsInt()
  @Min(0)
  partition!: number;

  /** A string because Kafka offsets are 64-bit. */
  @Matches(/^\d+$/)
  offset!: string;

  /** The record's `ce_id`, unchanged by the redrive so consumers that already succeeded dedupe it. */
  @IsString()
  @IsNotEmpty()
  ceId!: string;

  @IsString()
  @IsNotEmpty()
  operator!: string;

  @IsString()
  @IsNotEmpty()
  reason!: string;

  @IsRfc3339Timestamp()
  at!: string;
}
