import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What the dispatcher knows of an endpoint beyond its configuration: since when it has been failing
 * (no success since; cleared by one), and whether the dispatcher disabled it (410, or failing for
 * 5 days) at which configuration version. The gateway, told by the `disabled` delivery outcome,
 * publishes a new inactive version; until then, and for any version up to `disabledVersion`, the
 * dispatcher treats it as disabled itself. A version above it (re-enabled) is delivered to again.
 */
@Entity({ name: 'webhook_endpoint_state' })
export class EndpointState {
  @PrimaryColumn({ name: 'endpoint_id', type: 'text' })
  endpointId!: string;

  @Column({ name: 'first_failure_at', type: 'timestamptz', nullable: true })
  firstFailureAt!: Date | null;

  @Column({ name: 'disabled_version', type: 'int', nullable: true })
  disabledVersion!: number | null;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason!: 'gone' | 'failing' | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
