import { Client } from 'pg';
import type { QueryRunner } from 'typeorm';

/** TypeORM keeps a service's migrations table inside its schema, so the schema must exist first. */
export async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * `"<schema>"."<table>"` for a migration's SQL: the service's own schema (the data source's `schema`),
 * which the migration runner does not put on the search path.
 */
export function migrationTable(runner: QueryRunner, table: string): string {
  const { schema } = runner.connection.options as { schema?: string };
  return `"${schema ?? 'public'}"."${table}"`;
}

/** `"<schema>"."<table>"` for an entity's table in raw SQL, from TypeORM's metadata (`repository.metadata`). */
export function quotedTable(metadata: { tablePath: string }): string {
  return metadata.tablePath
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}
