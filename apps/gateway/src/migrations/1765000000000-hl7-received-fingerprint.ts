import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationTable } from '@meridian/platform';

/**
 * The HL7 dedupe window keyed by content, not only by (sender, MSH-10): one claim per (key, content
 * fingerprint), so a reused control id with other content gets its own claim instead of being answered
 * as a duplicate. The key is a SHA-256 of sender and control id, so any bytes (a NUL in MSH-10 too)
 * make a key. Claims carry a lease, so a claim left by a killed gateway is taken over after it.
 *
 * The old rows are dropped: they hold no fingerprint to compare with. The price is that a message
 * resent across the upgrade is published again, which consumers absorb (deterministic FHIR ids).
 */
export class Hl7ReceivedFingerprint1765000000000 implements MigrationInterface {
  name = 'Hl7ReceivedFingerprint1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    const table = migrationTable(runner, 'hl7_received');
    await runner.query(`DROP TABLE ${table}`);
    await runner.query(`
      CREATE TABLE ${table} (
        key_hash bytea NOT NULL CHECK (octet_length(key_hash) = 32),
        fingerprint bytea NOT NULL CHECK (octet_length(fingerprint) = 32),
        event_id uuid NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'stored')),
        received_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz NOT NULL,
        PRIMARY KEY (key_hash, fingerprint)
      )`);
    await runner.query(`CREATE INDEX hl7_received_received_at ON ${table} (received_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const table = migrationTable(runner, 'hl7_received');
    await runner.query(`DROP TABLE ${table}`);
    await runner.query(`
      CREATE TABLE ${table} (
        sending_facility text NOT NULL,
        control_id text NOT NULL,
        event_id uuid NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'stored')),
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (sending_facility, control_id)
      )`);
    await runner.query(`CREATE INDEX hl7_received_received_at ON ${table} (received_at)`);
  }
}
