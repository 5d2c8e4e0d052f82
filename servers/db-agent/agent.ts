/**
 * Data faults on SQLite, done reversibly: every change records what it replaces (full rows by
 * rowid, inserted rowids, the AUTOINCREMENT sequence) before it happens, and `revert` puts it
 * all back in one transaction. Runs in its own process on the services' runtime, so the native
 * driver never loads into the editor.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { seededRandom, type Random } from '../../extension/engine/chaos/random';
import type { DbOperation, DbUndo } from '../../extension/engine/model/ipc';

type Database = BetterSqlite3.Database;
type Row = Record<string, unknown>;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function ident(name: string, what: string): string {
  if (!IDENT.test(name)) throw new Error(`invalid ${what} name "${name}"`);
  return `"${name}"`;
}

export function timestamp(offsetMs: number, format: string): string | number {
  const d = new Date(Date.now() + offsetMs);
  switch (format) {
    case 'iso':
      return d.toISOString();
    case 'epoch-ms':
      return d.getTime();
    case 'epoch-s':
      return Math.floor(d.getTime() / 1000);
    case 'sqlite':
      return d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, '');
    default:
      return d.toISOString().replace(/Z$/, '000'); // naive UTC with microseconds (Python isoformat)
  }
}

interface Env {
  random: Random;
  index: number;
  picked: Record<string, Row>;
  db: Database;
  /** $lookup answers within one operation (500 generated rows look the same user up once). */
  lookups: Map<string, unknown>;
}

/** Evaluates a manifest value: a literal or a generator object ({"$pick": […]}, {"$uniform": […]}, …). */
export function evaluate(value: unknown, env: Env): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'boolean' ? (value ? 1 : 0) : value;
  if (Array.isArray(value)) return JSON.stringify(value);
  const v = value as Record<string, unknown>;
  const round = (n: number) => (typeof v['round'] === 'number' ? Number(n.toFixed(v['round'])) : n);
  const num = (x: unknown, what: string): number => {
    const n = evaluate(x, env);
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`${what} needs numbers, got ${JSON.stringify(n)}`);
    return n;
  };
  if ('$pick' in v) {
    const options = v['$pick'];
    if (!Array.isArray(options) || options.length === 0) throw new Error('$pick needs a non-empty list');
    return evaluate(env.random.pick(options), env);
  }
  if ('$uniform' in v) {
    const [min, max] = v['$uniform'] as [unknown, unknown];
    return round(env.random.uniform(num(min, '$uniform'), num(max, '$uniform')));
  }
  if ('$int' in v) {
    const [min, max] = v['$int'] as [unknown, unknown];
    return env.random.int(num(min, '$int'), num(max, '$int'));
  }
  if ('$mul' in v) {
    const [a, b] = v['$mul'] as [unknown, unknown];
    return round(num(a, '$mul') * num(b, '$mul'));
  }
  if ('$add' in v) {
    const [a, b] = v['$add'] as [unknown, unknown];
    return round(num(a, '$add') + num(b, '$add'));
  }
  if ('$seq' in v) return num(v['$seq'], '$seq') + env.index;
  if ('$col' in v) {
    const ref = String(v['$col']);
    const [alias, column] = ref.split('.');
    const row = alias ? env.picked[alias] : undefined;
    if (!row || !column || !(column in row)) throw new Error(`$col "${ref}": no picked row "${alias ?? ''}" with column "${column ?? ''}"`);
    return row[column];
  }
  if ('$time' in v) {
    const t = (v['$time'] ?? {}) as { offsetMs?: number; format?: string };
    return timestamp(t.offsetMs ?? 0, t.format ?? 'naive');
  }
  if ('$lookup' in v) {
    const l = v['$lookup'] as { table: string; where: Record<string, unknown>; column: string };
    const key = JSON.stringify(l);
    if (env.lookups.has(key)) return env.lookups.get(key);
    const { sql, params } = whereClause(l.where, env);
    const row = env.db
      .prepare(`SELECT ${ident(l.column, 'column')} AS v FROM ${ident(l.table, 'table')} WHERE ${sql} LIMIT 1`)
      .get(...params) as { v: unknown } | undefined;
    if (!row) throw new Error(`$lookup found no row in ${l.table} where ${JSON.stringify(l.where)}`);
    env.lookups.set(key, row.v);
    return row.v;
  }
  const key = Object.keys(v).find((k) => k.startsWith('$'));
  if (key) throw new Error(`unknown generator ${key}`);
  return JSON.stringify(v);
}

function whereClause(where: Record<string, unknown>, env: Env): { sql: string; params: unknown[] } {
  const keys = Object.keys(where);
  if (keys.length === 0) return { sql: '1', params: [] };
  const params: unknown[] = [];
  const parts = keys.map((k) => {
    const value = evaluate(where[k], env);
    if (value === null) return `${ident(k, 'column')} IS NULL`;
    params.push(value);
    return `${ident(k, 'column')} = ?`;
  });
  return { sql: parts.join(' AND '), params };
}

export class DbAgent {
  private readonly open = new Map<string, Database>();

  constructor(private readonly Driver: typeof BetterSqlite3) {}

  db(file: string): Database {
    let db = this.open.get(file);
    if (!db) {
      db = new this.Driver(file, { fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      this.open.set(file, db);
    }
    return db;
  }

  private columns(db: Database, table: string): string[] {
    const cols = (db.prepare(`PRAGMA table_info(${ident(table, 'table')})`).all() as { name: string }[]).map((c) => c.name);
    if (cols.length === 0) {
      const tables = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'knex_%'").all() as {
          name: string;
        }[]
      ).map((t) => t.name);
      throw new Error(`no table "${table}"; tables: ${tables.join(', ')}`);
    }
    return cols;
  }

  private checkColumns(db: Database, table: string, names: string[]): void {
    const cols = this.columns(db, table);
    for (const n of names) if (!cols.includes(n)) throw new Error(`no column "${n}" in ${table}; columns: ${cols.join(', ')}`);
  }

  private sequence(db: Database, table: string): number | null {
    const hasSeq = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'").get();
    if (!hasSeq) return null;
    const row = db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get(table) as { seq: number } | undefined;
    return row ? row.seq : null;
  }

  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  private insertRow(db: Database, table: string, row: Row): number {
    const keys = Object.keys(row);
    const sql =
      keys.length === 0
        ? `INSERT INTO ${ident(table, 'table')} DEFAULT VALUES`
        : `INSERT INTO ${ident(table, 'table')} (${keys.map((k) => ident(k, 'column')).join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`;
    let stmt = this.statements.get(sql);
    if (!stmt || stmt.database !== db) {
      stmt = db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return Number(stmt.run(...keys.map((k) => row[k])).lastInsertRowid);
  }

  apply(file: string, op: DbOperation): DbUndo {
    const db = this.db(file);
    const env: Env = { random: seededRandom(op.kind === 'generate' ? op.seed : 0), index: 0, picked: {}, db, lookups: new Map() };
    const table = op.table;
    const run = db.transaction((): DbUndo => {
      const undo: DbUndo = { table, updated: [], inserted: [], sequence: this.sequence(db, table), summary: '' };
      if (op.kind === 'update') {
        this.checkColumns(db, table, [...Object.keys(op.where), ...Object.keys(op.set)]);
        const { sql, params } = whereClause(op.where, env);
        const rows = db.prepare(`SELECT rowid AS __rowid, * FROM ${ident(table, 'table')} WHERE ${sql}`).all(...params) as Row[];
        if (rows.length === 0) throw new Error(`no row of ${table} matches ${JSON.stringify(op.where)}`);
        const keys = Object.keys(op.set);
        const update = db.prepare(
          `UPDATE ${ident(table, 'table')} SET ${keys.map((k) => `${ident(k, 'column')} = ?`).join(', ')} WHERE rowid = ?`,
        );
        for (const row of rows) update.run(...keys.map((k) => evaluate(op.set[k], env)), row['__rowid']);
        undo.updated = rows;
        undo.summary = `updated ${rows.length} row(s) of ${table}`;
      } else if (op.kind === 'insert') {
        this.checkColumns(db, table, [...new Set(op.rows.flatMap((r) => Object.keys(r)))]);
        op.rows.forEach((r, i) => {
          env.index = i;
          const row: Row = {};
          for (const [k, v] of Object.entries(r)) row[k] = evaluate(v, env);
          undo.inserted.push(this.insertRow(db, table, row));
        });
        undo.summary = `inserted ${op.rows.length} row(s) into ${table}`;
      } else {
        this.checkColumns(db, table, Object.keys(op.values));
        let pool: Row[] = [];
        if (op.pick) {
          const { sql, params } = whereClause(op.pick.where ?? {}, env);
          pool = db.prepare(`SELECT * FROM ${ident(op.pick.table, 'table')} WHERE ${sql} ORDER BY rowid`).all(...params) as Row[];
          if (pool.length === 0) throw new Error(`nothing to pick from ${op.pick.table}`);
        }
        for (let i = 0; i < op.count; i++) {
          env.index = i;
          if (op.pick) env.picked = { [op.pick.as]: env.random.pick(pool) };
          const row: Row = {};
          for (const [k, v] of Object.entries(op.values)) row[k] = evaluate(v, env);
          undo.inserted.push(this.insertRow(db, table, row));
        }
        undo.summary = `generated ${op.count} row(s) in ${table}`;
      }
      return undo;
    });
    return run.immediate();
  }

  revert(file: string, undo: DbUndo): void {
    const db = this.db(file);
    const table = ident(undo.table, 'table');
    db.transaction(() => {
      const del = db.prepare(`DELETE FROM ${table} WHERE rowid = ?`);
      for (const rowid of undo.inserted) del.run(rowid);
      for (const original of undo.updated) {
        const { __rowid, ...row } = original;
        const keys = Object.keys(row);
        const exists = db.prepare(`SELECT 1 FROM ${table} WHERE rowid = ?`).get(__rowid);
        if (exists) {
          db.prepare(`UPDATE ${table} SET ${keys.map((k) => `${ident(k, 'column')} = ?`).join(', ')} WHERE rowid = ?`).run(
            ...keys.map((k) => row[k]),
            __rowid,
          );
        } else {
          // Deleted meanwhile: put it back (an INTEGER PRIMARY KEY column restores its rowid too).
          db.prepare(
            `INSERT INTO ${table} (${keys.map((k) => ident(k, 'column')).join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`,
          ).run(...keys.map((k) => row[k]));
        }
      }
      if (undo.sequence !== null) {
        const max = (db.prepare(`SELECT max(rowid) AS m FROM ${table}`).get() as { m: number | null }).m ?? 0;
        db.prepare('UPDATE sqlite_sequence SET seq = ? WHERE name = ?').run(Math.max(undo.sequence, max), undo.table);
      } else if (undo.inserted.length > 0) {
        // The table got its sequence row from our inserts: remove it again unless rows remain.
        const max = (db.prepare(`SELECT max(rowid) AS m FROM ${table}`).get() as { m: number | null }).m;
        const hasSeq = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'").get();
        if (hasSeq && max === null) db.prepare('DELETE FROM sqlite_sequence WHERE name = ?').run(undo.table);
      }
    }).immediate();
  }

  /** Every row of every user table (and sqlite_sequence), for exact before/after comparisons. */
  snapshot(file: string): Record<string, Row[]> {
    const db = this.db(file);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'knex_%' ORDER BY name").all() as { name: string }[]
    ).map((t) => t.name);
    const out: Record<string, Row[]> = {};
    for (const t of tables) {
      const hasRowid = t !== 'sqlite_sequence';
      out[t] = db
        .prepare(
          `SELECT ${hasRowid ? 'rowid AS __rowid, ' : ''}* FROM ${ident(t, 'table')}${hasRowid ? ' ORDER BY rowid' : ' ORDER BY name'}`,
        )
        .all() as Row[];
    }
    return out;
  }

  /**
   * Puts every table of a snapshot back exactly (rows, rowids, sqlite_sequence), in one
   * transaction, with foreign keys checked only at its end. Tables that appeared since are left.
   */
  restore(file: string, snapshot: Record<string, Row[]>): { tables: number; rows: number } {
    const db = this.db(file);
    const existing = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name),
    );
    let rows = 0;
    const tables = Object.keys(snapshot).filter((t) => existing.has(t));
    db.transaction(() => {
      db.pragma('defer_foreign_keys = ON');
      for (const t of tables) {
        if (t === 'sqlite_sequence') continue;
        db.prepare(`DELETE FROM ${ident(t, 'table')}`).run();
        for (const original of snapshot[t] ?? []) {
          const { __rowid, ...row } = original;
          this.insertRow(db, t, { ...row, rowid: __rowid });
          rows++;
        }
      }
      if (existing.has('sqlite_sequence')) {
        db.prepare('DELETE FROM sqlite_sequence').run();
        const insert = db.prepare('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)');
        for (const r of snapshot['sqlite_sequence'] ?? []) insert.run(r['name'], r['seq']);
      }
    }).immediate();
    return { tables: tables.length, rows };
  }

  query(file: string, sql: string, params: unknown[]): Row[] {
    const stmt = this.db(file).prepare(sql);
    if (!stmt.reader) throw new Error('only read-only queries are allowed');
    return stmt.all(...params) as Row[];
  }

  close(): void {
    for (const db of this.open.values()) db.close();
    this.open.clear();
  }
}
