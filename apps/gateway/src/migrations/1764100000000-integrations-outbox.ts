import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationTable } from '@meridian/platform';

export class IntegrationsOutbox1764100000000 implements MigrationInterface {
  name = 'IntegrationsOutbox1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    const table = (name: string) => migrationTable(runner, name);
    await runner.query(`
      CREATE TABLE ${table('integrations')} (
        id uuid PRIMARY KEY,
        facility text NOT NULL,
        system_type text NOT NULL,
        system_name text NOT NULL,
        vendor text,
        system_version text,
        connection jsonb NOT NULL,
        data_mapping jsonb,
        synchronization jsonb NOT NULL,
        monitoring jsonb,
        hl7 jsonb,
        active boolean NOT NULL,
        credentials text,
        version integer NOT NULL CHECK (version >= 1),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX integrations_facility ON ${table('integrations')} (facility)`);
    await runner.query(`
      CREATE TABLE ${table('outbox')} (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        key text NOT NULL,
        headers jsonb NOT NULL,
        value bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await runner.query(`CREATE INDEX outbox_pending ON ${table('outbox')} (id) WHERE published_at IS NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const table = (name: string) => migrationTable(runner, name);
    await runner.query(`DROP TABLE ${table('outbox')}`);
    await runner.query(`DROP TABLE ${table('integrations')}`);
  }
}
