import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationTable } from '@meridian/platform';

export class WebhookMessages1764200000000 implements MigrationInterface {
  name = 'WebhookMessages1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE ${migrationTable(runner, 'webhook_message')} (
        webhook_id text PRIMARY KEY,
        endpoint_id text NOT NULL,
        event_id text NOT NULL,
        integration_id text,
        type text NOT NULL,
        body text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'retrying', 'delivered', 'exhausted', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        last_status_code int,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // recover: an endpoint's failed messages since a time.
    await runner.query(
      `CREATE INDEX webhook_message_endpoint_status ON ${migrationTable(runner, 'webhook_message')} (endpoint_id, status, created_at)`,
    );
    await runner.query(`
      CREATE TABLE ${migrationTable(runner, 'webhook_endpoint_state')} (
        endpoint_id text PRIMARY KEY,
        first_failure_at timestamptz,
        disabled_version int,
        disabled_reason text CHECK (disabled_reason IN ('gone', 'failing')),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${migrationTable(runner, 'webhook_endpoint_state')}`);
    await runner.query(`DROP TABLE ${migrationTable(runner, 'webhook_message')}`);
  }
}
