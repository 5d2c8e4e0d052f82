/**
 * An attacker's probe, planted in candidate code by test/security/sandbox.test.ts: required from a
 * service's entry file (or a candidate test file), it tries every way out of the sandbox it knows,
 * then writes what happened to `data/probe/<label>-<pid>.json` (the one place it may write).
 *
 * Each attempt either escapes (it read, wrote, ran or reached what it must not) or is refused. The
 * probe never throws: the service it sits in must go on serving.
 *
 * It reads its targets from `probe-config.json` beside it (the test writes exact paths there: the
 * exercise's interviewer material, the session folder, the control API); it also derives paths on
 * its own, as a real attacker would (execArgv, `..`, /proc, require.resolve).
 */
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** require(), as attacker code calls it (at run time, on paths it computed). */
const load = createRequire(__filename);

export interface ProbeConfig {
  /** Workspace folder (the copy a candidate test runs in may be elsewhere: data/ is found from the probe's own folder). */
  workspace: string;
  /** Files the candidate must never read: guide, checks, solutions, exercise.json, token, state, timeline. */
  secrets: string[];
  /** The exercise's id (to look for workspaces/<id>/ from derived roots). */
  exercise: string;
  /** Strings that must never appear in the candidate's environment (token, session folder). */
  forbidden: string[];
  /** A native addon to copy into data/ and load (better-sqlite3's). */
  addon: string;
  /** The session's control API, tried with guessed tokens. */
  controlUrl: string;
  /** Paths outside data/ to try to write. */
  writes: string[];
  /** The process that supervises this one (its pid), when known. */
  supervisorPid: number;
}

export interface Attempt {
  name: string;
  escaped: boolean;
  detail: string;
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return `${e.code ?? e.name ?? 'Error'}: ${String(e.message).split('\n')[0]}`;
}

function refused(message: string): Error {
  return Object.assign(new Error(message), { code: 'NOT_FOUND' });
}

/** Reads the first of `candidates` that exists; throws the last error when none could be read. */
function readAny(candidates: string[]): string {
  let last: unknown = refused('no candidate path');
  for (const file of candidates) {
    try {
      return `${file}: ${fs.readFileSync(file, 'utf8').slice(0, 60)}`;
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

/** Folders above a path, itself first. */
function ancestors(from: string): string[] {
  const out: string[] = [];
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    out.push(dir);
    if (path.dirname(dir) === dir) return out;
  }
}

function interviewerFilesUnder(roots: string[], exercise: string): string[] {
  return roots.flatMap((root) => [
    path.join(root, 'workspaces', exercise, 'interviewer', 'GUIDE.md'),
    path.join(root, 'workspaces', exercise, 'exercise.json'),
    path.join(root, exercise, 'interviewer', 'GUIDE.md'),
  ]);
}

/** Where the probe may write: data/probe of the workspace (or copy) it was planted in. */
const data = path.join(path.dirname(__dirname), 'data', 'probe');

/** Every attempt, in order; never throws. */
export async function runProbe(config: ProbeConfig): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  /** One attempt: returning means it escaped (with what it got), throwing means it was refused. */
  const attempt = (name: string, fn: () => string): void => {
    try {
      attempts.push({ name, escaped: true, detail: fn().slice(0, 200) });
    } catch (err) {
      attempts.push({ name, escaped: false, detail: describe(err) });
    }
  };
  const attemptAsync = async (name: string, fn: () => Promise<string>): Promise<void> => {
    try {
      attempts.push({ name, escaped: true, detail: (await fn()).slice(0, 200) });
    } catch (err) {
      attempts.push({ name, escaped: false, detail: describe(err) });
    }
  };
  try {
    fs.mkdirSync(data, { recursive: true });
  } catch (err) {
    attempts.push({ name: 'create data/probe', escaped: false, detail: describe(err) });
  }

  // --- reading interviewer material and session secrets ----------------------------------------
  for (const file of config.secrets) attempt(`read ${file}`, () => readAny([file]));
  attempt('read via the preload path in execArgv', () => {
    const preload = process.execArgv.find((a) => a.endsWith('.js') && a.includes('preload'));
    if (!preload) throw refused('no preload in execArgv');
    return readAny(interviewerFilesUnder(ancestors(path.dirname(preload)), config.exercise));
  });
  attempt('read via require.resolve of a package', () => {
    const pkg = require.resolve('express/package.json', { paths: [path.dirname(__dirname)] });
    return readAny(interviewerFilesUnder(ancestors(fs.realpathSync(pkg)), config.exercise));
  });
  attempt('read via .. from the working directory', () =>
    readAny(interviewerFilesUnder(ancestors(path.join(process.cwd(), '..')), config.exercise)),
  );
  attempt('list the folder above the workspace', () => fs.readdirSync(path.dirname(config.workspace)).join(','));
  attempt('read /proc/self/environ', () => readAny(['/proc/self/environ']));
  attempt('read the supervisor environment in /proc', () =>
    readAny([`/proc/${process.ppid}/environ`, `/proc/${config.supervisorPid}/environ`]),
  );
  attempt('read the supervisor command line in /proc', () => readAny([`/proc/${process.ppid}/cmdline`]));
  attempt('read a secret through a symlink made in data/', () => {
    const link = path.join(data, `link-${process.pid}`);
    fs.symlinkSync(config.secrets[0] ?? '/etc/hostname', link);
    return readAny([link]);
  });
  attempt('read a secret through a hard link made in data/', () => {
    const link = path.join(data, `hard-${process.pid}`);
    fs.linkSync(config.secrets[0] ?? '/etc/hostname', link);
    return readAny([link]);
  });
  attempt('session secrets in the environment', () => {
    const env = JSON.stringify(process.env);
    const found = config.forbidden.filter((s) => s !== '' && env.includes(s));
    if (found.length === 0) throw refused(`environment holds none of them (${Object.keys(process.env).join(',')})`);
    return `found ${found.length}`;
  });

  // --- writing outside data/ -------------------------------------------------------------------
  for (const file of config.writes)
    attempt(`write ${file}`, () => {
      fs.writeFileSync(file, 'pwned');
      return 'written';
    });

  // --- running code outside the sandbox --------------------------------------------------------
  attempt('spawn a shell command', () => childProcess.execSync('id', { encoding: 'utf8' }));
  attempt('spawn node', () => childProcess.spawnSync(process.execPath, ['-e', 'console.log(1)'], { encoding: 'utf8' }).stdout ?? '');
  attempt('start a detached child that outlives the service', () => {
    const child = childProcess.spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { detached: true, stdio: 'ignore' });
    child.unref();
    if (child.pid === undefined) throw refused('no pid');
    process.kill(child.pid);
    return `pid ${child.pid}`;
  });
  attempt('start a worker thread', () => {
    const w = new Worker('require("fs")', { eval: true });
    void w.terminate();
    return 'started';
  });
  attempt('process.binding', () => {
    const b = (process as unknown as { binding(n: string): unknown }).binding('spawn_sync');
    return typeof b;
  });
  attempt('load a native addon written to data/', () => {
    const copy = path.join(data, `evil-${process.pid}.node`);
    fs.copyFileSync(config.addon, copy);
    const m = { exports: {} };
    process.dlopen(m, copy);
    return 'loaded';
  });
  attempt('require a native addon written to data/', () => {
    const copy = path.join(data, `evil2-${process.pid}.node`);
    fs.copyFileSync(config.addon, copy);
    return typeof load(copy);
  });
  attempt('signal the supervisor', () => {
    process.kill(process.ppid, 0);
    return 'signalled';
  });
  attempt('signal the supervisor through process._kill', () => {
    const err = (process as unknown as { _kill(pid: number, sig: number): number })._kill(process.ppid, 0);
    if (err !== 0) throw refused(`errno ${err}`);
    return 'signalled';
  });

  // --- SQLite: native code that opens files ------------------------------------------------------
  type Db = {
    exec(sql: string): unknown;
    prepare(sql: string): { all(): unknown[]; run(): unknown };
    loadExtension(file: string): unknown;
    backup(file: string): Promise<unknown>;
    close(): void;
  };
  type DbClass = new (file: string, opts?: { readonly?: boolean; fileMustExist?: boolean }) => Db;
  let Database: DbClass;
  let inside: Db;
  let resolved: string;
  try {
    resolved = require.resolve('better-sqlite3', { paths: [path.dirname(__dirname)] });
  } catch {
    // This exercise's services use no SQLite (the runtime pack has none): nothing native to attack.
    attempts.push({ name: 'SQLite (not installed in this workspace)', escaped: false, detail: 'skipped' });
    return finish();
  }
  try {
    Database = load(resolved) as DbClass;
    inside = new Database(path.join(data, `probe-${process.pid}.db`));
  } catch (err) {
    // Not an escape, but the probe must be able to use SQLite where it is allowed: the test fails on it.
    attempts.push({ name: 'SQLite in data/ works (allowed)', escaped: true, detail: `unexpected: ${describe(err)}` });
    return finish();
  }
  const outsideDb = path.join(path.dirname(config.workspace), `outside-${process.pid}.db`);
  attempt('SQLite creates a database outside data/', () => {
    new Database(outsideDb).close();
    return 'created';
  });
  attempt('SQLite opens a secret read-only', () => {
    new Database(config.secrets[0] ?? '/etc/hostname', { readonly: true, fileMustExist: true }).close();
    return 'opened';
  });
  attempt('SQLite ATTACH of a file outside data/', () => {
    inside.exec(`ATTACH DATABASE '${outsideDb}' AS evil`);
    return 'attached';
  });
  attempt('SQLite ATTACH through prepare', () => {
    inside.prepare(`/* x */ attach   database '${outsideDb}' as evil2`).run();
    return 'attached';
  });
  attempt('SQLite ATTACH with a quoted file name built in SQL', () => {
    inside.prepare(`ATTACH '${path.dirname(outsideDb)}/' || 'x${process.pid}.db' AS "evil3"`).run();
    return 'attached';
  });
  attempt('SQLite VACUUM INTO a file outside data/', () => {
    inside.exec(`VACUUM INTO '${outsideDb}.vac'`);
    return 'written';
  });
  attempt('SQLite loads an extension', () => {
    inside.loadExtension(config.addon);
    return 'loaded';
  });
  attempt('SQLite load_extension() in SQL', () => {
    inside.prepare(`SELECT load_extension('${config.addon}')`).all();
    return 'loaded';
  });
  await attemptAsync('SQLite backup to a file outside data/', async () => {
    await inside.backup(`${outsideDb}.bak`);
    return 'written';
  });
  inside.close();
  return finish();

  // --- the control API, with guessed tokens ----------------------------------------------------
  async function finish(): Promise<Attempt[]> {
    await attemptAsync('control API with a guessed token', async () => {
      for (const token of ['', 'x', '0000', 'faultline']) {
        const res = await fetch(new URL('/v1/score', config.controlUrl), { headers: { authorization: `Bearer ${token}` } });
        if (res.ok) return `token "${token}" accepted`;
      }
      throw refused('every guess got 401');
    });
    await attemptAsync('give myself manual points without a token', async () => {
      const res = await fetch(new URL('/v1/score/manual', config.controlUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ item: 'x', points: 2 }),
      });
      if (res.ok) return 'accepted';
      throw refused(`status ${res.status}`);
    });
    return attempts;
  }
}

export function loadConfig(): ProbeConfig {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'probe-config.json'), 'utf8')) as ProbeConfig;
}

/** Planted in a service: runs the probe at start-up and writes data/probe/<label>-<pid>.json. */
export function startProbe(label: string): void {
  runProbe(loadConfig())
    .then((attempts) => {
      const out = path.join(data, `${label}-${process.pid}.json`);
      fs.writeFileSync(`${out}.tmp`, JSON.stringify({ pid: process.pid, attempts }, null, 2));
      fs.renameSync(`${out}.tmp`, out);
    })
    .catch((err: unknown) => console.error(`probe failed: ${describe(err)}`));
}
