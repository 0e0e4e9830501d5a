import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ConflictResolution, SyncConflictResolution, SyncConflictStatus } from '@meridian/contracts';

/**
 * The read model of one conflict, from sync.events.v1: the event with the highest sequence wins.
 * `local` and `external` (both versions: clinical data) are held only while it is open; the resolved
 * event carries neither, so they are cleared when it arrives.
 */
@Entity({ name: 'sync_conflicts' })
export class SyncConflict {
  @PrimaryColumn({ name: 'conflict_id', type: 'text' })
  conflictId!: string;

  @Column({ name: 'integration_id', type: 'text' })
  integrationId!: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType!: string;

  @Column({ name: 'entity_id', type: 'text' })
  entityId!: string;

  @Column({ type: 'text', nullable: true })
  reference!: string | null;

  @Column({ type: 'text' })
  status!: SyncConflictStatus;

  @Column({ type: 'text' })
  strategy!: ConflictResolution;

  @Column({ name: 'detected_at', type: 'timestamptz' })
  detectedAt!: Date;

  @Column({ type: 'jsonb', nullable: true })
  fields!: string[] | null;

  // `object`, not Record<string, unknown>: TypeORM's partial-entity types cannot map an index signature.
  @Column({ type: 'jsonb', nullable: true })
  local!: object | null;

  @Column({ type: 'jsonb', nullable: true })
  external!: object | null;

  @Column({ name: 'expected_version', type: 'text', nullable: true })
  expectedVersion!: string | null;

  @Column({ name: 'current_version', type: 'text', nullable: true })
  currentVersion!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  resolution!: SyncConflictResolution | null;

  @Column({ type: 'integer' })
  sequence!: number;
}
