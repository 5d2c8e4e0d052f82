/**
 * Instrumentation the chaos engine and the rubric read, installed from outside the candidate's
 * code: database query counts and latency (better-sqlite3 statements; knex queries wait
 * asynchronously, so concurrent requests interleave and race windows widen), and clock skew.
 */
import Module from 'node:module';
import { seededRandom } from '../../extension/engine/chaos/random';
import type { PreloadSettings } from '../../extension/engine/model/ipc';
import type { PreloadStats } from '../../extension/engine/model/services';

type DbLatency = NonNullable<PreloadSettings['dbLatency']>;
type Settings = PreloadSettings;
type Stats = PreloadStats;

const settings: Settings = {};
const stats: Omit<Stats, 'settings'> = { queries: 0, reads: 0, writes: 0, delayed: 0, since: Date.now() };
/** The jitter of db latency, seeded by the fault (same seed, same delays). */
let jitter = seededRandom(0);
/** >0 while knex is issuing a statement synchronously (knex then owns the delay). */
let inKnex = 0;

/** The delay for one statement (counted as delayed when there is one). */
function latencyFor(isRead: boolean): number {
  const l = settings.dbLatency;
  if (!l || l.ms + l.jitterMs <= 0) return 0;
  if ((l.statements === 'read' && !isRead) || (l.statements === 'write' && isRead)) return 0;
  stats.delayed++;
  return Math.max(0, Math.round(l.ms + (jitter.next() * 2 - 1) * l.jitterMs));
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function blockFor(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

function count(isRead: boolean): void {
  stats.queries++;
  if (isRead) stats.reads++;
  else stats.writes++;
}

type AnyFn = (...args: unknown[]) => unknown;

function patchStatementPrototype(proto: Record<string, unknown>): void {
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = proto[method] as AnyFn | undefined;
    if (typeof original !== 'function') continue;
    proto[method] = function (this: { reader?: boolean }, ...args: unknown[]) {
      const isRead = Boolean(this.reader);
      count(isRead);
      if (inKnex === 0) blockFor(latencyFor(isRead));
      return original.apply(this, args);
    };
  }
}

function patchBetterSqlite3(Database: { prototype: Record<string, unknown> }): void {
  const prepare = Database.prototype['prepare'] as AnyFn;
  let patched = false;
  Database.prototype['prepare'] = function (this: unknown, ...args: unknown[]) {
    const statement = prepare.apply(this, args) as object;
    if (!patched) {
      patched = true;
      patchStatementPrototype(Object.getPrototypeOf(statement) as Record<string, unknown>);
    }
    return statement;
  };
  const exec = Database.prototype['exec'] as AnyFn;
  Database.prototype['exec'] = function (this: unknown, ...args: unknown[]) {
    count(false);
    if (inKnex === 0) blockFor(latencyFor(false));
    return exec.apply(this, args);
  };
}

function patchKnex(knex: { Client?: { prototype: Record<string, unknown> } }): void {
  const proto = knex.Client?.prototype;
  const query = proto?.['query'] as AnyFn | undefined;
  if (!proto || !query) return;
  proto['query'] = async function (this: unknown, connection: unknown, queryParam: unknown) {
    const q = queryParam as { method?: string; sql?: string } | string;
    const sql = typeof q === 'string' ? q : (q.sql ?? '');
    const isRead =
      typeof q !== 'string' && (q.method === 'select' || q.method === 'first' || q.method === 'pluck')
        ? true
        : /^\s*(select|pragma|with)\b/i.test(sql);
    const ms = latencyFor(isRead);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    inKnex++;
    try {
      return query.call(this, connection, queryParam);
    } finally {
      inKnex--;
    }
  };
}

// --- clock skew ---------------------------------------------------------------------------------
const RealDate = Date;
let skewedDate: DateConstructor | undefined;

function applyClockSkew(offsetMs: number): void {
  if (offsetMs === 0) {
    globalThis.Date = RealDate;
    return;
  }
  skewedDate ??= (() => {
    class SkewedDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(RealDate.now() + currentOffset());
        else super(...(args as [number]));
      }
      static override now(): number {
        return RealDate.now() + currentOffset();
      }
      static override [Symbol.hasInstance](value: unknown): boolean {
        return value instanceof RealDate;
      }
    }
    return SkewedDate as unknown as DateConstructor;
  })();
  globalThis.Date = skewedDate;
}

function currentOffset(): number {
  return settings.clockSkew?.offsetMs ?? 0;
}

// --- public -------------------------------------------------------------------------------------

export function set(key: keyof Settings, value: unknown): void {
  if (key === 'dbLatency') {
    settings.dbLatency = (value as DbLatency | null) ?? null;
    jitter = seededRandom(settings.dbLatency?.seed ?? 0);
  } else if (key === 'clockSkew') {
    settings.clockSkew = (value as { offsetMs: number } | null) ?? null;
    applyClockSkew(currentOffset());
  } else if (key === 'duplicateDelivery') {
    settings.duplicateDelivery = (value as Settings['duplicateDelivery']) ?? null;
  } else throw new Error(`unknown setting ${String(key)}`);
}

/**
 * Bundled servers (not candidate code: they are loaded after the preload, in the same process)
 * read the settings meant for them here, e.g. servers/broker's `duplicateDelivery`.
 */
export const SETTINGS_KEY = Symbol.for('faultline.preload.settings');
(globalThis as Record<symbol, unknown>)[SETTINGS_KEY] = (key: keyof Settings): unknown => settings[key] ?? null;

export function getStats(): Stats {
  const active: Settings = {};
  if (settings.dbLatency) active.dbLatency = settings.dbLatency;
  if (settings.clockSkew) active.clockSkew = settings.clockSkew;
  if (settings.duplicateDelivery) active.duplicateDelivery = settings.duplicateDelivery;
  return { ...stats, settings: active };
}

export function resetStats(): Stats {
  const before = getStats();
  stats.queries = stats.reads = stats.writes = stats.delayed = 0;
  stats.since = Date.now();
  return before;
}

export function install(initial: Settings): void {
  const M = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const load = M._load;
  let knexDone = false;
  let sqliteDone = false;
  M._load = function (request: string, parent: unknown, isMain: boolean) {
    const exported = load.call(this, request, parent, isMain);
    if (!sqliteDone && request === 'better-sqlite3') {
      sqliteDone = true;
      patchBetterSqlite3(exported as { prototype: Record<string, unknown> });
    } else if (!knexDone && request === 'knex') {
      knexDone = true;
      patchKnex(exported as { Client?: { prototype: Record<string, unknown> } });
    }
    return exported;
  };
  for (const [k, v] of Object.entries(initial)) set(k as keyof Settings, v);
}
