import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { migrationSource } from './migrations';

/** The subset of a better-sqlite3 connection used when a pool connection is created. */
interface SqliteConnection {
  /** True for a database in memory, which has no write-ahead log. */
  readonly memory: boolean;
  pragma(source: string): unknown;
}

/**
 * Opens (creating if needed) the SQLite database at `filename` through knex.
 * Every pooled connection gets foreign keys and a busy timeout; a database file also gets WAL
 * journaling.
 *
 * `filename` may also be the bytes of a database file: it is then opened as a
 * private in-memory copy of them (the tests give every test its own copy of a
 * migrated template this way). A copy in memory has no write-ahead log.
 */
export function openDatabase(filename: string | Buffer): Knex {
  if (typeof filename === 'string' && filename !== ':memory:') {
    fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  }
  return knex({
    client: 'better-sqlite3',
    // knex passes `filename` on to better-sqlite3 as it is, and better-sqlite3 takes bytes too.
    connection: { filename: filename as string },
    useNullAsDefault: true,
    pool: {
      afterCreate(connection: SqliteConnection, done: (err: Error | null, connection: SqliteConnection) => void) {
        try {
          if (!connection.memory) connection.pragma('journal_mode = WAL');
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
