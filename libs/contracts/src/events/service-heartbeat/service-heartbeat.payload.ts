import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Min } from 'class-validator';
import { SERVICE_NAMES, type ServiceName } from '../../services/service-names';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';

export const HEARTBEAT_STATUSES = ['starting', 'ready', 'degraded', 'stopping'] as const;
export type HeartbeatStatus = (typeof HEARTBEAT_STATUSES)[number];

/** Sent periodically by every service instance; the health monitor notices the ones that stop. */
export class ServiceHeartbeatPayload {
  @IsIn(SERVICE_NAMES)
  service!: ServiceName;

  /** Pod name or hostname + pid: unique among running instances. */
  @IsString()
  @IsNotEmpty()
  instanceId!: string;

  @IsString()
  @IsNotEmpty()
  version!: string;

  @IsRfc3339Timestamp()
  startedAt!: string;

  @IsIn(HEARTBEAT_STATUSES)
  status!: HeartbeatStatus;

  /** How often this instance sends; lets the monitor judge a gap without a shared constant. */
  @IsOptional()
  @IsInt()
  @Min(1)
  intervalMs?: number;
}
