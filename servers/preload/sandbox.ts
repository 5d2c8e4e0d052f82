/**
 * The sandbox's guards inside a process that runs candidate code, and its proof at boot.
 *
 * Node's permission model (`--permission`, set by the engine: extension/engine/process/sandbox.ts)
 * checks JavaScript's file system, child process and worker APIs. It does not check native code,
 * and the flag that lets better-sqlite3 load (`--allow-addons`) would let any addon load. So:
 *
 * - `process.dlopen` loads only addons the sandbox cannot write (a `.node` file the candidate wrote
 *   into `data/` is refused, whatever path or symlink leads to it);
 * - better-sqlite3's native `Database` opens files only where the sandbox may write (or read, for a
 *   read-only open), and never loads a SQLite extension (`loadExtension` runs native code);
 * - `process.kill` reaches this process and its own group only (the supervisor, the editor and
 *   the interviewer's other processes are out of reach), unless the manifest allowed child processes.
 *
 * At boot the process reports over IPC whether the model is on and a read outside the allowed
 * folders was refused: the engine trusts that report, not the flags it passed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SandboxReport } from '../../extension/engine/model/services';

interface Permission {
  has(scope: string, reference?: string): boolean;
}

function permission(): Permission | undefined {
  return (process as unknown as { permission?: Permission }).permission;
}

function denied(message: string): Error {
  return Object.assign(new Error(`Faultline sandbox: ${message}`), { code: 'ERR_ACCESS_DENIED' });
}

/** The real path of a file, or its resolved path when it does not exist (yet). */
function real(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

function lock(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: false, configurable: false, enumerable: false });
}

type Addon = { exports: Record<string, unknown> };
type NativeDatabase = (new (...args: unknown[]) => object) & { prototype: Record<string, unknown> };

/**
 * The SQL statements that make SQLite open another file (`ATTACH`, `VACUUM INTO`), found as
 * keywords: string literals, quoted identifiers and comments are skipped, so a table named
 * "attach" passes and `/*x*\/ATTACH` does not.
 */
export function fileOpeningSql(sql: string): string | undefined {
  const words: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] ?? '';
    if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      i++;
      while (i < sql.length) {
        if (sql[i] === close) {
          if (close !== ']' && sql[i + 1] === close) i += 2;
          else break;
        } else i++;
      }
      i++;
      words.push('');
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < sql.length && /[A-Za-z0-9_$]/.test(sql[j] ?? '')) j++;
      words.push(sql.slice(i, j).toUpperCase());
      i = j;
    } else {
      if (c === ';') words.push(';');
      i++;
    }
  }
  for (let k = 0; k < words.length; k++) {
    if (words[k] === 'ATTACH') return 'ATTACH';
    if (words[k] === 'VACUUM') {
      for (let m = k + 1; m < words.length && words[m] !== ';'; m++) if (words[m] === 'INTO') return 'VACUUM INTO';
    }
  }
  return undefined;
}

function isSqliteAddon(addon: Addon): boolean {
  const Database = addon.exports['Database'] as NativeDatabase | undefined;
  return typeof Database === 'function' && typeof Database.prototype['loadExtension'] === 'function';
}

/** better-sqlite3's addon: files only where the sandbox allows, no extensions. */
function guardSqlite(addon: Addon, perm: Permission): void {
  const Original = addon.exports['Database'] as NativeDatabase | undefined;
  if (typeof Original !== 'function') return;
  const proto = Original.prototype;
  lock(proto, 'loadExtension', function loadExtension(): never {
    throw denied('SQLite extensions are native code and do not load in the sandbox');
  });
  // (sql, …) → statement / result: SQL that opens another file is refused (ATTACH, VACUUM INTO).
  for (const method of ['prepare', 'exec']) {
    const original = proto[method];
    if (typeof original !== 'function') continue;
    lock(proto, method, function guardedSql(this: unknown, sql: unknown, ...rest: unknown[]): unknown {
      const found = typeof sql === 'string' ? fileOpeningSql(sql) : undefined;
      if (found) throw denied(`SQLite's ${found} opens files outside the sandbox's reach and is refused`);
      return Reflect.apply(original, this, [sql, ...rest]) as unknown;
    });
  }
  // backup(database, attachedName, destination, isNewFile): the destination must be writable.
  const backup = proto['backup'];
  if (typeof backup === 'function') {
    lock(proto, 'backup', function guardedBackup(this: unknown, ...args: unknown[]): unknown {
      const destination = args[2];
      if (typeof destination !== 'string' || !perm.has('fs.write', real(destination)))
        throw denied(`SQLite may not write a backup to ${String(destination)} (outside the workspace's data folder)`);
      return Reflect.apply(backup, this, args) as unknown;
    });
  }
  const Guarded = function Database(this: unknown, ...args: unknown[]): object {
    // (filename, filenameGiven, anonymous, readonly, …): better-sqlite3 12/13
    const [filename, , anonymous, readonly] = args;
    if (!anonymous && typeof filename === 'string' && filename !== '' && filename !== ':memory:') {
      const file = real(filename);
      const allowed = readonly === true ? perm.has('fs.read', file) : perm.has('fs.write', file);
      if (!allowed)
        throw denied(
          `SQLite may not open ${filename} ${readonly === true ? 'for reading' : 'for writing'} (outside the workspace's data folder)`,
        );
    }
    return Reflect.construct(Original, args, new.target ?? Original) as object;
  } as unknown as NativeDatabase;
  Guarded.prototype = Original.prototype;
  lock(addon.exports, 'Database', Guarded);
}

/** Installs the guards when the permission model is on; returns what is in force. */
export function installSandbox(): SandboxReport {
  const perm = permission();
  if (!perm) {
    return {
      enforced: false,
      detail: `the permission model is off in this runtime (Node ${process.versions.node}${process.versions['electron'] ? `, Electron ${process.versions['electron']}` : ''})`,
      childProcess: true,
      worker: true,
    };
  }
  const childProcess = perm.has('child');
  const worker = perm.has('worker');

  const dlopen = process.dlopen.bind(process);
  lock(process, 'dlopen', function guardedDlopen(module: Addon, filename: string, flags?: number): void {
    const file = real(filename);
    if (!perm.has('fs.read', file) || perm.has('fs.write', file))
      throw denied(`the addon ${filename} is not one the sandbox can trust (only installed packages load)`);
    if (flags === undefined) dlopen(module, filename);
    else dlopen(module, filename, flags);
    // better-sqlite3's addon, whatever its file is called (build/Release/better_sqlite3.node or a
    // prebuild such as prebuilds/linux-x64.node): known by its exports.
    if (isSqliteAddon(module)) guardSqlite(module, perm);
  });

  // process.kill checks its arguments, then calls the raw process._kill: guard both.
  const own = (pid: number): boolean => childProcess || pid === process.pid || pid === -process.pid || pid === 0;
  const rawKill = (process as unknown as { _kill: (pid: number, signal: number) => number })._kill.bind(process);
  lock(process, '_kill', function guardedRawKill(pid: number, signal: number): number {
    if (!own(Number(pid))) throw denied(`process ${pid} is not this service's to signal`);
    return rawKill(pid, signal);
  });
  const kill = process.kill.bind(process);
  lock(process, 'kill', function guardedKill(pid: number, signal?: string | number): true {
    if (!own(Number(pid))) throw denied(`process ${pid} is not this service's to signal`);
    return kill(pid, signal);
  });

  // The proof: a read outside the allowed folders must be refused.
  const outside = path.parse(process.cwd()).root;
  try {
    fs.readdirSync(outside);
    return { enforced: false, detail: `reading ${outside} was allowed: the runtime ignores --permission`, childProcess, worker };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ERR_ACCESS_DENIED')
      return { enforced: false, detail: `the probe read failed with ${code ?? 'an error'}, not a refusal`, childProcess, worker };
  }
  return {
    enforced: true,
    detail: `reads and writes limited, child processes ${childProcess ? 'allowed' : 'refused'}, workers ${worker ? 'allowed' : 'refused'}`,
    childProcess,
    worker,
  };
}
