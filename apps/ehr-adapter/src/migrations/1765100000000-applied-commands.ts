import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationTable } from '@meridian/platform';

export class AppliedCommands1765100000000 implements MigrationInterface {
  name = 'AppliedCommands1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    const table = migrationTable(runner, 'applied_commands');
    await runner.query(`
      CREATE TABLE ${table} (
        command_id text PRIMARY KEY,
        integration_id text NOT NULL,
        "references" jsonb NOT NULL,
        applied_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX applied_commands_applied_at ON ${table} (applied_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${migrationTable(runner, 'applied_commands')}`);
  }
}
