import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';

/** The subset of a better-sqlite3 connection used when a pool connection is created. */
interface SqliteConnection {
  pragma(source: string): unknown;
}

/**
 * Opens (creating if needed) the SQLite database at `filename` through knex.
 * Every pooled connection gets WAL journaling, a busy timeout and foreign keys.
 */
export function openDatabase(filename: string): Knex {
  if (filename !== ':memory:') {
    fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  }
  return knex({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      afterCreate(connection: SqliteConnection, done: (err: Error | null, connection: SqliteConnection) => void) {
        try {
          connection.pragma('journal_mode = WAL');
          // Safe with WAL (no corruption on power loss; the last commits may roll back) and much faster.
          connection.pragma('synchronous = NORMAL');
          connection.pragma('busy_timeout = 5000');
          connection.pragma('foreign_keys = ON');
          done(null, connection);
        } catch (err) {
          done(err instanceof Error ? err : new Error(String(err)), connection);
        }
      },
    },
  });
}

export interface NamedMigration extends Knex.Migration {
  name: string;
}

/** A knex migration source backed by a static list (no filesystem scanning). */
export function migrationSourceOf(migrations: readonly NamedMigration[]): Knex.MigrationSource<NamedMigration> {
  return {
    getMigrations: async () => [...migrations],
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => migration,
  };
}

/** Applies all pending migrations of the list; returns the names applied. */
export async function migrateLatest(db: Knex, migrations: readonly NamedMigration[]): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource: migrationSourceOf(migrations) })) as [number, string[]];
  return applied;
}
