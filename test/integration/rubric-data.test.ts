/**
 * The candidate's data is theirs: a rubric run's checks create users, orders and racers through
 * the services, and the run puts every database back exactly as it was (rows, rowids, sequences).
 */
import * as path from 'node:path';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { cliEnv, runCli, startUp, tempDir } from '../helpers/index';
import { scaffold } from '../helpers/testing';

function dump(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    return Object.fromEntries(
      tables.map((t) => [
        t.name,
        db.prepare(`SELECT ${t.name === 'sqlite_sequence' ? '' : 'rowid AS __rowid, '}* FROM "${t.name}" ORDER BY 1`).all(),
      ]),
    );
  } finally {
    db.close();
  }
}

test('a rubric run leaves the databases exactly as it found them', async (t) => {
  const home = tempDir(t, 'faultline-home-');
  const env = cliEnv(home);
  const workspace = await scaffold(t, 'price-alerts', { env, solution: 'reference' });
  const stateFile = path.join(tempDir(t), 'state.json');
  const up = await startUp(t, workspace, { env, stateFile });
  const files = Object.values(up.state.services).flatMap((s) => (s.database ? [s.database] : []));
  assert.ok(files.length > 0, 'the exercise has a database');
  const before = files.map(dump);
  const rows = (d: Record<string, unknown[]>) => Object.values(d).reduce((n, r) => n + r.length, 0);

  const check = await runCli(['check', workspace, '--state', stateFile, '--json'], { env, timeoutMs: 600_000 });
  assert.equal(check.code, 0, check.stderr);
  // --json: one event per line, then the result.
  const events = check.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; result?: { status: string } });
  const passed = events.filter((e) => e.type === 'check' && e.result?.status === 'passed').length;
  assert.ok(passed >= 5, `the checks ran against the services (${passed} passed)`);

  assert.doesNotMatch(up.output.text, /MaxListenersExceededWarning/, 'a run does not pile listeners on its abort signal');

  const after = files.map(dump);
  assert.deepEqual(after, before, `rows before: ${before.map(rows).join(', ')}, after: ${after.map(rows).join(', ')}`);
});
