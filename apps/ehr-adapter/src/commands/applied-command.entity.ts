import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A command this adapter applied to its EHR, with the references the server gave. A command seen
 * again (a replica redelivering what a killed one applied, the orchestrator republishing after a
 * restart) is answered from here instead of being written a second time, after newer writes.
 */
@Entity({ name: 'applied_commands' })
export class AppliedCommand {
  @PrimaryColumn({ name: 'command_id', type: 'text' })
  commandId!: string;

  @Column({ name: 'integration_id', type: 'text' })
  integrationId!: string;

  /** The transaction-response's references (`Type/id/_history/version`), in entry order. */
  @Column({ type: 'jsonb' })
  references!: string[];

  @Column({ name: 'applied_at', type: 'timestamptz' })
  appliedAt!: Date;
}
