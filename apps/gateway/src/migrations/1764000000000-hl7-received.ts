import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationTable } from '@meridian/platform';

export class Hl7Received1764000000000 implements MigrationInterface {
  name = 'Hl7Received1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE ${migrationTable(runner, 'hl7_received')} (
        sending_facility text NOT NULL,
        control_id text NOT NULL,
        event_id uuid NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'stored')),
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (sending_facility, control_id)
      )`);
    await runner.query(
      `CREATE INDEX hl7_received_received_at ON ${migrationTable(runner, 'hl7_received')} (received_at)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${migrationTable(runner, 'hl7_received')}`);
  }
}
