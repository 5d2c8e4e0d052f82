/**
 * The rubric engine on the fixture exercise, through the real CLI and session: every check
 * outcome (pass, fail with expected/actual, own timeout, hung service, dead runner, chaos,
 * database), weighted items and stages, manual scores, hints (and their cost in practice),
 * scorecards, and a `faultline check` killed midway.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { controlApi } from '../../extension/engine/protocol/control';
import { apiClient } from '../../extension/engine/protocol/rpc';
import { readToken, type SessionState } from '../../extension/engine/session';
import { readTimeline } from '../../extension/engine/timeline';
import { cliEnv, cliPath, fixtures, repoRoot, runCli, startUp, suiteCleanup, tempDir, waitForLine, type UpProcess } from '../helpers';
import type { Score } from '../../extension/engine/model/interview';

/** `check --json` streams one JSON event per line and ends with the result. */
function lastLine(stdout: string): unknown {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '{}') as unknown;
}

interface CheckRun {
  run: string;
  aborted: boolean;
  score: Score;
}

function seedDb(dir: string): string {
  const file = path.join(dir, 'data', 'a.db');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.exec(`CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, qty INTEGER NOT NULL DEFAULT 0, price REAL);
           INSERT INTO items (name, qty, price) VALUES ('apple', 5, 1.25), ('pear', 3, 2.5);`);
  db.close();
  return file;
}

describe('rubric runs (fixture exercise)', () => {
  const t = suiteCleanup();
  const home = tempDir(t, 'faultline-home-');
  const env = cliEnv(home, { FAULTLINE_EXERCISES: path.join(fixtures, 'exercises') });
  const work = tempDir(t, 'faultline-rubric-');
  const dir = path.join(work, 'ws');
  const stateFile = path.join(work, 'state.json');
  let up: UpProcess;
  let state: SessionState;
  let dbFile = '';
  const cli = (...args: string[]) => runCli([...args, '--state', stateFile], { env, cwd: work });
  const items = (score: Score) => Object.fromEntries(score.categories.flatMap((c) => c.items).map((i) => [i.id, i]));

  before(async () => {
    const created = await runCli(['new', 'fixture-basic', dir, '--ai', 'off'], { env });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /AI assistance: off/);
    dbFile = seedDb(dir);
    // The candidate changes something: it shows up in the scorecard's diff.
    fs.appendFileSync(path.join(dir, 'server.js'), '\n// candidate was here\n');
    fs.writeFileSync(path.join(dir, 'NOTES.md'), 'my notes\n');
    up = await startUp(t, dir, { env, stateFile });
    state = up.state;
  });

  it('runs every check, reports each outcome with evidence, and keeps going after failures', async () => {
    const r = await cli('check', '--json');
    assert.equal(r.code, 0, r.stderr);
    const run = lastLine(r.stdout) as CheckRun;
    assert.equal(run.aborted, false);
    const byItem = items(run.score);
    const check = (item: string, id: string) => byItem[item]?.checks.find((c) => c.id === id);
    assert.equal(check('alive', 'a-healthy')?.status, 'passed');
    assert.deepEqual(check('alive', 'a-healthy')?.logs.length, 1, 'what the check logged');
    const counter = check('counts', 'counter');
    assert.equal(counter?.status, 'failed');
    assert.equal(counter?.message, 'the counter after one POST: expected 2, got 1');
    assert.deepEqual([counter?.expected, counter?.actual], [2, 1]);
    assert.ok(counter?.serviceLogs && counter.serviceLogs.length > 0, 'service log lines of the moment');
    assert.equal(check('slow', 'slow')?.status, 'timeout');
    assert.equal(check('slow', 'slow')?.message, 'did not finish within 300 ms');
    assert.equal(check('hung', 'hung-service')?.status, 'failed');
    assert.match(check('hung', 'hung-service')?.message ?? '', /GET \/health: no answer within 500 ms/);
    assert.equal(check('dies', 'runner-dies')?.status, 'error');
    assert.match(check('dies', 'runner-dies')?.message ?? '', /the check runner exited \(code 9\)/);
    assert.equal(check('chaos', 'under-chaos')?.status, 'passed', 'the run went on after the runner died, with chaos applied');
    assert.equal(check('chaos', 'db-read')?.status, 'passed');
    // Weighted and partial items, category sums, rating.
    assert.deepEqual(
      ['alive', 'counts', 'slow', 'chaos', 'explains'].map((i) => [i, byItem[i]?.earned, byItem[i]?.status]),
      [
        ['alive', 3, 'passed'],
        ['counts', 0, 'failed'],
        ['slow', 0, 'failed'],
        ['chaos', 0.5, 'passed'],
        ['explains', 0, 'unscored'],
      ],
    );
    assert.equal(run.score.points, 3.5);
    assert.equal(run.score.rating?.rating, 'Weak');
    // The hung service was restarted for the checks after it, and nothing chaotic is left.
    const status = await runCli(['status', '--state', stateFile], { env });
    assert.equal(status.code, 0, status.stdout);
    const client = apiClient(controlApi, state.control.url, readToken(state));
    assert.equal((await client.chaosStatus(null)).active, null);
    const events = readTimeline(path.join(state.sessionDir, 'timeline.jsonl'));
    assert.ok(events.some((e) => e.type === 'service.restarted' && e['service'] === 'b'));
  });

  it('runs one stage (with the earlier ones) or chosen checks', async () => {
    const one = lastLine((await cli('check', '--json', '--stage', 'one')).stdout) as CheckRun & { run: string };
    const events = readTimeline(path.join(state.sessionDir, 'timeline.jsonl')).filter(
      (e) => e.type === 'rubric.start' && e['run'] === one.run,
    );
    assert.deepEqual(events[0]?.['checks'], ['a-healthy', 'b-reaches-a']);
    const bad = await cli('check', '--stage', 'three');
    assert.equal(bad.code, 64);
    assert.match(bad.stderr, /unknown stage "three"[\s\S]*stages: one, two/);
    const only = await cli('check', '--only', 'db-read');
    assert.match(only.stdout, /✓ reads the database of a/);
    assert.match(only.stdout, /^wall time \d+\.\d s; the check's own time is \d+\.\d s$/m, 'the run time, labelled');
    const unknown = await cli('check', '--only', 'nope');
    assert.match(unknown.stderr, /no rubric check "nope"/);
  });

  it('restores the chaos mode that was active before the run, with its seed', async () => {
    const client = apiClient(controlApi, state.control.url, readToken(state));
    await client.chaosActivate({ mode: 'slow_a', seed: 77 });
    const r = await cli('check', '--only', 'a-healthy,under-chaos');
    assert.match(r.stdout, /✓ a answers its health path/, "checks run without the interviewer's chaos");
    const active = (await client.chaosStatus(null)).active;
    assert.deepEqual([active?.mode, active?.seed], ['slow_a', 77]);
    await client.chaosReset({});
  });

  it('scores manual items with a note and refuses what does not fit', async () => {
    const ok = await cli('score', 'explains', '1.5', '--note', 'clear about trade-offs');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Explains the design: 1\.5 \/ 2 — clear about trade-offs/);
    const tooMuch = await cli('score', 'explains', '3');
    assert.match(tooMuch.stderr, /"explains" is worth at most 2 point\(s\), not 3/);
    const auto = await cli('score', 'alive', '1');
    assert.match(auto.stderr, /"alive" is scored by hidden checks, not by hand[\s\S]*manual items: explains \(max 2\)/);
    const unknown = await cli('score', 'nope', '1');
    assert.match(unknown.stderr, /no rubric item "nope"/);
  });

  it('sends hints up the ladder into HINTS.md and the timeline', async () => {
    const first = await cli('hint', 'find-a');
    assert.match(first.stdout, /sent the mild hint for "Where is a\?"/);
    assert.equal((await cli('hint', 'find-a', '--level', 'strong')).code, 0);
    const second = await cli('hint', 'find-a');
    assert.match(second.stdout, /sent the medium hint/);
    const none = await cli('hint', 'find-a');
    assert.match(none.stderr, /every hint of "find-a" was sent already/);
    const list = await cli('hint', 'list');
    assert.match(list.stdout, /sent .* mild: Look at the services\./);
    const hints = fs.readFileSync(path.join(dir, 'HINTS.md'), 'utf8');
    assert.match(hints, /## Where is a\? — mild[\s\S]*Look at the services\.[\s\S]*— strong[\s\S]*— medium/);
    const status = JSON.parse((await runCli(['status', '--state', stateFile, '--json'], { env })).stdout) as { healthy: boolean };
    assert.equal(status.healthy, true);
    const unknown = await cli('hint', 'nope');
    assert.match(unknown.stderr, /unknown hint ladder "nope"[\s\S]*hint ladders: find-a/);
  });

  it('writes Markdown and one self-contained HTML scorecard with evidence, hints, timeline and diff', async () => {
    const md = path.join(work, 'card.md');
    const html = path.join(work, 'card.html');
    const r = await cli('scorecard', '--md', md, '--html', html);
    assert.equal(r.code, 0, r.stderr);
    const page = fs.readFileSync(html, 'utf8');
    assert.doesNotMatch(page, /<script|<link|src=|href="http/i, 'no scripts or external assets');
    for (const expected of [
      'Basics',
      'Robustness',
      'expected</h5>',
      'the counter after one POST: expected 2, got 1',
      'clear about trade-offs',
      'Where is a?',
      'Chaos slow_a activated (seed 77)',
      'Rubric run',
      'NOTES.md',
      '+// candidate was here',
      'Weak',
      "The candidate's tests",
      'did not run their tests',
      "Candidate's change: ",
    ]) {
      assert.ok(page.includes(expected.replace('&', '&amp;').replace('"', '&quot;')), `HTML shows ${expected}`);
    }
    // The summary a committee reads first, before the details.
    assert.ok(page.indexOf('At a glance') < page.indexOf('Score by category'), 'the summary comes first');
    assert.match(page, /<dt>AI assistance<\/dt><dd>off \(editor AI chat and completions turned off\)<\/dd>/);
    assert.match(page, /<dt>Hints<\/dt><dd>\d+ \(Where is a\?: /);
    assert.match(page, /<dt>Chaos modes<\/dt><dd>[a-z_, ]*\bslow_a\b[a-z_, ]*<\/dd>/);
    assert.match(page, /@media \(prefers-color-scheme:dark\)/, 'readable in the dark scheme');
    const text = fs.readFileSync(md, 'utf8');
    assert.match(text, /^- \*\*AI assistance:\*\* off/m);
    assert.match(text, /^# Fixture — scorecard/m);
    assert.match(text, /\| Basics \| 3 \/ 5 \|/);
    assert.match(text, /^## The candidate's tests\n\nThe candidate did not run their tests/m);
    assert.match(text, /```diff[\s\S]*\+\/\/ candidate was here/);
    assert.doesNotMatch(text, /HINTS\.md/, 'the hints file is not part of the candidate diff');
  });

  it('a killed `faultline check` leaves the timeline, the scores and the services as they were', async () => {
    const client = apiClient(controlApi, state.control.url, readToken(state));
    await client.chaosActivate({ mode: 'slow_a', seed: 5 });
    const before = new Database(dbFile, { readonly: true }).prepare('SELECT * FROM items ORDER BY id').all();
    const scoreBefore = await client.score(null);
    const child = spawn(process.execPath, [cliPath, 'check', '--state', stateFile], { env, cwd: repoRoot });
    const output = { text: '' };
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output.text += d));
    await waitForLine(child, /^✓ a answers its health path/, 30_000, output);
    child.kill('SIGKILL');
    // The session notices the client is gone, stops the run and restores the state.
    const deadline = Date.now() + 30_000;
    let end: Record<string, unknown> | undefined;
    while (!end && Date.now() < deadline) {
      end = readTimeline(path.join(state.sessionDir, 'timeline.jsonl'))
        .filter((e) => e.type === 'rubric.end')
        .at(-1);
      if (end?.['aborted'] !== true) end = undefined;
      if (!end) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(end, 'the run was recorded as aborted');
    const events = readTimeline(path.join(state.sessionDir, 'timeline.jsonl'));
    const run = String(end['run']);
    const recorded = events.filter((e) => e.type === 'rubric.check' && e['run'] === run).map((e) => e['id']);
    assert.ok(recorded.includes('a-healthy'), 'results recorded before the kill are kept');
    assert.ok(recorded.length < 8, 'the run stopped early');
    const active = (await client.chaosStatus(null)).active;
    assert.deepEqual([active?.mode, active?.seed], ['slow_a', 5], "the interviewer's chaos mode is back");
    assert.deepEqual(new Database(dbFile, { readonly: true }).prepare('SELECT * FROM items ORDER BY id').all(), before);
    const score = await client.score(null);
    assert.equal(items(score)['explains']?.earned, 1.5, 'manual scores survive');
    const cut = events.filter(
      (e) => e.type === 'rubric.check' && e['run'] === run && (e['status'] === 'not-run' || /cancel/.test(String(e['message']))),
    );
    assert.ok(
      cut.every((e) => e['status'] === 'not-run'),
      `a check cut short is "not run", not an error: ${JSON.stringify(cut.map((e) => [e['id'], e['status']]))}`,
    );
    assert.equal(score.points, scoreBefore.points, 'the cancelled run changed no score');
    await client.chaosReset({});
  });
  it('check --changed reuses the results of checks whose inputs did not change since the last complete run, marked so', async () => {
    type Line = { type: string; result?: { id: string; status: string; reused?: boolean } } & Partial<CheckRun>;
    const lines = (stdout: string) =>
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line);
    const checks = (stdout: string) => lines(stdout).flatMap((l) => (l.type === 'check' && l.result ? [l.result] : []));
    // The last complete run: every check (the hints above changed the workspace since the first run).
    const full = await cli('check', '--json');
    assert.equal(full.code, 0, full.stderr);
    const changed = await cli('check', '--json', '--changed');
    assert.equal(changed.code, 0, changed.stderr);
    const results = checks(changed.stdout);
    // A result with a definite outcome is reused; a timeout or an error runs again.
    assert.deepEqual(
      results
        .filter((r) => r.reused)
        .map((r) => r.id)
        .sort(),
      ['a-healthy', 'b-reaches-a', 'counter', 'db-read', 'hung-service', 'under-chaos'],
    );
    assert.deepEqual(
      results
        .filter((r) => !r.reused)
        .map((r) => r.id)
        .sort(),
      ['runner-dies', 'slow'],
    );
    const run = lastLine(changed.stdout) as CheckRun;
    assert.equal(run.score.points, (lastLine(full.stdout) as CheckRun).score.points, 'the same score');
    const text = await cli('check', '--changed', '--only', 'a-healthy');
    assert.match(text.stdout, /✓ .*\(a-healthy, reused: unchanged since the last full run\)/);
    // A candidate file changes: every check here depends on it (none says otherwise), so all run.
    fs.appendFileSync(path.join(dir, 'NOTES.md'), 'more notes\n');
    const after = checks((await cli('check', '--json', '--changed')).stdout);
    assert.equal(after.length, 8);
    assert.deepEqual(
      after.filter((r) => r.reused),
      [],
    );
    // Without --changed nothing is reused.
    assert.deepEqual(
      checks((await cli('check', '--json')).stdout).filter((r) => r.reused),
      [],
    );
  });
});

describe('practice mode', () => {
  it('charges hints against the score', async (t) => {
    const home = tempDir(t, 'faultline-home-');
    const env = cliEnv(home, { FAULTLINE_EXERCISES: path.join(fixtures, 'exercises') });
    const dir = path.join(tempDir(t), 'ws');
    assert.equal((await runCli(['new', 'fixture-basic', dir], { env })).code, 0);
    seedDb(dir);
    const stateFile = path.join(home, 's.json');
    const up = await startUp(t, dir, { env, stateFile, args: ['--practice'] });
    assert.equal(up.state.mode, 'practice');
    const client = apiClient(controlApi, up.state.control.url, readToken(up.state), 60_000);
    await client.rubricRun({ only: ['a-healthy', 'b-reaches-a'] });
    await client.hintSend({ ladder: 'find-a' });
    await client.hintSend({ ladder: 'find-a' });
    const score = await client.score(null);
    assert.deepEqual([score.mode, score.points, score.hintCost, score.total], ['practice', 3, 3, 0]);
  });
});

describe('phases', () => {
  it('run the interview clock from the timeline and unlock chaos phase by phase in practice', async (t) => {
    const home = tempDir(t, 'faultline-home-');
    const env = cliEnv(home, { FAULTLINE_EXERCISES: path.join(fixtures, 'exercises') });
    const dir = path.join(tempDir(t), 'ws');
    assert.equal((await runCli(['new', 'fixture-basic', dir], { env })).code, 0);
    seedDb(dir);
    const stateFile = path.join(home, 's.json');
    const up = await startUp(t, dir, { env, stateFile, args: ['--practice'] });
    const client = apiClient(controlApi, up.state.control.url, readToken(up.state), 60_000);

    const first = await client.phase(null);
    assert.equal(first.current.id, 'only');
    assert.deepEqual(
      first.phases.map((p) => p.state),
      ['current', 'upcoming'],
    );
    assert.ok(first.startedAt && first.endsAt);
    assert.equal(Date.parse(first.endsAt) - Date.parse(first.startedAt), 10 * 60_000);

    const modes = (await client.chaosStatus(null)).modes;
    assert.match(modes.find((m) => m.id === 'split')?.locked ?? '', /unlocks in phase "Later phase"/);
    assert.equal(modes.find((m) => m.id === 'slow_a')?.locked, undefined, 'modes no phase lists are always available');
    await assert.rejects(client.chaosActivate({ mode: 'split' }), /unlocks in phase "Later phase"/);

    const moved = await runCli(['phase', 'next', '--state', stateFile], { env });
    assert.equal(moved.code, 0, moved.stderr);
    assert.match(moved.stdout, /Later phase/);
    assert.deepEqual(
      (await client.phase(null)).phases.map((p) => p.state),
      ['done', 'current'],
    );
    await client.chaosActivate({ mode: 'split' });
    await client.chaosReset({});
    const last = await runCli(['phase', 'next', '--state', stateFile], { env });
    assert.notEqual(last.code, 0);
    assert.match(last.stderr, /"Later phase" is the last phase/);
    assert.match((await runCli(['phase', 'nope', '--state', stateFile], { env })).stderr, /unknown phase "nope".*\n.*only, later/s);
    const events = readTimeline(path.join(up.state.sessionDir, 'timeline.jsonl'));
    assert.equal(events.filter((e) => e.type === 'phase.start').length, 1);

    // Hint texts see the services' public addresses (never the session folder).
    const strong = await client.hintSend({ ladder: 'find-a', level: 'strong' });
    assert.equal(strong.text, `a is at ${up.state.services['a']!.url}.`);
    assert.match(fs.readFileSync(path.join(dir, 'HINTS.md'), 'utf8'), new RegExp(`a is at ${up.state.services['a']!.url}`));
  });
});
