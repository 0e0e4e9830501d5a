import { IsIn, IsNotEmpty, IsOptional, IsString } from 'class-validator';

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** Raised by the health monitor when a rule's threshold is crossed. */
export class AlertPayload {
  @IsString()
  @IsNotEmpty()
  alertId!: string;

  /** Absent for platform-wide alerts (a service down, consumer lag). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  integrationId?: string;

  @IsIn(ALERT_SEVERITIES)
  severity!: AlertSeverity;

  /** The rule that fired, e.g. `integration.error-rate`. */
  @IsString()
  @IsNotEmpty()
  rule!: string;

  /** For people; written from ids and numbers, never PHI. */
  @IsString()
  @IsNotEmpty()
  message!: string;
}
