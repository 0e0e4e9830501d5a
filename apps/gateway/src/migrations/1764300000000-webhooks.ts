import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationTable } from '@meridian/platform';

/** Webhook endpoints, their delivery log, inbound webhook secrets and the inbound replay window. */
export class Webhooks1764300000000 implements MigrationInterface {
  name = 'Webhooks1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    const table = (name: string) => migrationTable(runner, name);
    await runner.query(`
      CREATE TABLE ${table('webhook_endpoints')} (
        id uuid PRIMARY KEY,
        url text NOT NULL,
        event_types jsonb NOT NULL,
        description text,
        active boolean NOT NULL,
        disabled_reason text,
        rate_limit_per_second integer CHECK (rate_limit_per_second >= 1),
        secrets jsonb NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE ${table('webhook_attempts')} (
        id bigserial PRIMARY KEY,
        endpoint_id text NOT NULL,
        webhook_id text NOT NULL,
        integration_id text,
        type text,
        attempt integer NOT NULL,
        outcome text NOT NULL,
        status_code integer,
        duration_ms double precision,
        next_attempt_at timestamptz,
        error jsonb,
        response_body text,
        attempted_at timestamptz NOT NULL,
        UNIQUE (webhook_id, endpoint_id, attempt, outcome)
      )`);
    await runner.query(
      `CREATE INDEX webhook_attempts_endpoint ON ${table('webhook_attempts')} (endpoint_id, attempted_at DESC, id DESC)`,
    );
    await runner.query(`
      CREATE TABLE ${table('inbound_webhook_secrets')} (
        id uuid PRIMARY KEY,
        integration_id uuid NOT NULL,
        sealed text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX inbound_webhook_secrets_integration ON ${table('inbound_webhook_secrets')} (integration_id)`,
    );
    await runner.query(`
      CREATE TABLE ${table('inbound_webhook_ids')} (
        integration_id uuid NOT NULL,
        webhook_id text NOT NULL,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (integration_id, webhook_id)
      )`);
    await runner.query(
      `CREATE INDEX inbound_webhook_ids_received ON ${table('inbound_webhook_ids')} (received_at)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    const table = (name: string) => migrationTable(runner, name);
    await runner.query(`DROP TABLE ${table('inbound_webhook_ids')}`);
    await runner.query(`DROP TABLE ${table('inbound_webhook_secrets')}`);
    await runner.query(`DROP TABLE ${table('webhook_attempts')}`);
    await runner.query(`DROP TABLE ${table('webhook_endpoints')}`);
  }
}
