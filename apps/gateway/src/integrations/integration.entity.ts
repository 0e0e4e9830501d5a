import { Column, Entity, PrimaryColumn } from 'typeorm';
import type {
  ConnectionSettings,
  DataMappingSettings,
  Hl7ConversionSettings,
  MonitoringSettings,
  SynchronizationSettings,
  SystemType,
} from '@meridian/contracts';

/** One integration: what system, how to reach it, how data maps and syncs. Credentials are sealed. */
@Entity({ name: 'integrations' })
export class Integration {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  facility!: string;

  @Column({ name: 'system_type', type: 'text' })
  systemType!: SystemType;

  @Column({ name: 'system_name', type: 'text' })
  systemName!: string;

  @Column({ type: 'text', nullable: true })
  vendor!: string | null;

  @Column({ name: 'system_version', type: 'text', nullable: true })
  systemVersion!: string | null;

  @Column({ type: 'jsonb' })
  connection!: ConnectionSettings;

  @Column({ name: 'data_mapping', type: 'jsonb', nullable: true })
  dataMapping!: DataMappingSettings | null;

  @Column({ type: 'jsonb' })
  synchronization!: SynchronizationSettings;

  @Column({ type: 'jsonb', nullable: true })
  monitoring!: MonitoringSettings | null;

  @Column({ type: 'jsonb', nullable: true })
  hl7!: Hl7ConversionSettings | null;

  @Column({ type: 'boolean' })
  active!: boolean;

  /** libs/security envelope bound to this integration (AAD `integration:<id>`); never returned by the API. */
  @Column({ type: 'text', nullable: true })
  credentials!: string | null;

  /** 1 at creation, +1 per change: the config event's version and the API's ETag. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
