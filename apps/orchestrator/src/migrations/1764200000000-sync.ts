import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationTable } from '@meridian/platform';

export class Sync1764200000000 implements MigrationInterface {
  name = 'Sync1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    const table = (name: string) => migrationTable(runner, name);
    await runner.query(`
      CREATE TABLE ${table('sync_state')} (
        integration_id text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        external_id text,
        external_version text,
        written_version text,
        base jsonb,
        status text NOT NULL CHECK (status IN ('in_sync', 'out_of_sync', 'conflict', 'error')),
        local_version integer NOT NULL,
        last_command_id uuid,
        last_synced_at timestamptz,
        retry_count integer NOT NULL,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (integration_id, entity_type, entity_id)
      )`);
    await runner.query(`
      CREATE TABLE ${table('sync_commands')} (
        command_id uuid PRIMARY KEY,
        integration_id text NOT NULL,
        record_key text NOT NULL,
        bundle jsonb NOT NULL,
        tracked jsonb NOT NULL,
        status text NOT NULL,
        source_time timestamptz,
        correlation_id text NOT NULL,
        round integer NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE ${table('sync_conflicts')} (
        conflict_id uuid PRIMARY KEY,
        integration_id text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        command_id uuid NOT NULL,
        reference text NOT NULL,
        strategy text NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'resolved')),
        fields jsonb NOT NULL,
        local jsonb NOT NULL,
        external jsonb NOT NULL,
        base jsonb,
        expected_version text,
        current_version text,
        resolution jsonb,
        detected_at timestamptz NOT NULL,
        sequence integer NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX sync_conflicts_open ON ${table('sync_conflicts')} (command_id) WHERE status = 'open'`,
    );
    await runner.query(`
      CREATE TABLE ${table('sync_jobs')} (
        job_id text PRIMARY KEY,
        integration_id text NOT NULL,
        trigger text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        since timestamptz,
        watermark timestamptz,
        counters jsonb NOT NULL,
        error jsonb,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        sequence integer NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX sync_jobs_running ON ${table('sync_jobs')} (integration_id) WHERE status IN ('queued', 'running')`,
    );
    await runner.query(`
      CREATE TABLE ${table('sync_cursors')} (
        integration_id text PRIMARY KEY,
        watermark timestamptz NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['sync_cursors', 'sync_jobs', 'sync_conflicts', 'sync_commands', 'sync_state']) {
      await runner.query(`DROP TABLE ${migrationTable(runner, table)}`);
    }
  }
}
