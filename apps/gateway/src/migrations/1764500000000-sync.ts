import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationTable } from '@meridian/platform';

/** The sync read model: jobs and conflicts from sync.events.v1 (latest sequence per id). */
export class Sync1764500000000 implements MigrationInterface {
  name = 'Sync1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    const table = (name: string) => migrationTable(runner, name);
    await runner.query(`
      CREATE TABLE ${table('sync_jobs')} (
        job_id text PRIMARY KEY,
        integration_id text NOT NULL,
        trigger text NOT NULL,
        status text NOT NULL,
        since text,
        watermark text,
        counters jsonb NOT NULL,
        error jsonb,
        requested_by text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        sequence integer NOT NULL CHECK (sequence >= 0)
      )`);
    await runner.query(
      `CREATE INDEX sync_jobs_integration ON ${table('sync_jobs')} (integration_id, created_at DESC, job_id)`,
    );
    await runner.query(`
      CREATE TABLE ${table('sync_conflicts')} (
        conflict_id text PRIMARY KEY,
        integration_id text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        reference text,
        status text NOT NULL,
        strategy text NOT NULL,
        detected_at timestamptz NOT NULL,
        fields jsonb,
        local jsonb,
        external jsonb,
        expected_version text,
        current_version text,
        resolution jsonb,
        sequence integer NOT NULL CHECK (sequence >= 1)
      )`);
    await runner.query(
      `CREATE INDEX sync_conflicts_integration ON ${table('sync_conflicts')} (integration_id, status, detected_at DESC, conflict_id)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    const table = (name: string) => migrationTable(runner, name);
    await runner.query(`DROP TABLE ${table('sync_conflicts')}`);
    await runner.query(`DROP TABLE ${table('sync_jobs')}`);
  }
}
