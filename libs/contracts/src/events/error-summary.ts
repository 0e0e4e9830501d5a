import { IsBoolean, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import type { JsonSchema } from './event-type-definition';

/** What went wrong, for events that report a failure. Never PHI: no payload excerpts, names or ids of people. */
export class ErrorSummary {
  /** The error's class or a stable code, e.g. `TimeoutError`, `FhirServer4xx`. */
  @IsString()
  @IsNotEmpty()
  class!: string;

  /** Written by our code, not copied from the payload or a remote response body. */
  @IsString()
  message!: string;

  @IsOptional()
  @IsBoolean()
  retryable?: boolean;
}

export const ERROR_SUMMARY_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'What went wrong. Never PHI.',
  required: ['class', 'message'],
  properties: {
    class: { type: 'string', minLength: 1, description: 'Error class or stable code, e.g. TimeoutError.' },
    message: { type: 'string', description: 'Written by Meridian; never quotes the payload.' },
    retryable: { type: 'boolean', description: 'True when a later attempt may succeed.' },
  },
};
