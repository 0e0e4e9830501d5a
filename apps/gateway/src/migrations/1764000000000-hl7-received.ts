import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The service's own schema (the data source's `schema`), which the migration runner does not put on the search path. */
function table(runner: QueryRunner): string {
  const { schema } = runner.connection.options as { schema?: string };
  return `"${schema ?? 'public'}"."hl7_received"`;
}

export class Hl7Received1764000000000 implements MigrationInterface {
  name = 'Hl7Received1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE ${table(runner)} (
        sending_facility text NOT NULL,
        control_id text NOT NULL,
        event_id uuid NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'stored')),
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (sending_facility, control_id)
      )`);
    await runner.query(`CREATE INDEX hl7_received_received_at ON ${table(runner)} (received_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${table(runner)}`);
  }
}
