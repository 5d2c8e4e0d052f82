import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { migrationSource } from './migrations';

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

/** Applies all pending migrations (defined in code, see ./migrations). */
export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}
