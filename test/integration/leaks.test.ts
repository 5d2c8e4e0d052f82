/**
 * Interviewer material never reaches the candidate. For every shipped exercise, a corpus of
 * interviewer-only strings (guide, hidden checks, solutions, rubric, hints, phase goals — see
 * test/helpers/corpus.ts) must not occur in:
 *
 * - the scaffolded workspace (every file but node_modules, which come from Faultline's runtime
 *   pack; and no interviewer folder or check file anywhere, node_modules included);
 * - anything a candidate can fetch while the session runs: the candidate portal (page, assets,
 *   /api/view, the WebSocket's first message, 404s and traversal attempts) and each service's
 *   public address (its root, the pages it links to, its health path, the /scenario endpoints);
 * - and once a hint is sent, only that hint shows up in the portal (and HINTS.md): the unsent
 *   ones stay hidden.
 *
 * Each exercise is started once, with its real services.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { controlApi } from '../../extension/engine/protocol/control';
import type { PortalMessage } from '../../extension/engine/model/portal';
import { portalApi } from '../../extension/engine/protocol/portal';
import { apiClient } from '../../extension/engine/protocol/rpc';
import { readToken, type SessionState } from '../../extension/engine/session';
import { cliEnv, repoRoot, runCli, startUp, suiteCleanup, tempDir } from '../helpers';
import {
  describeLeaks,
  filesBelow,
  findLeaks,
  interviewerCorpus,
  searchableText,
  shippedExercises,
  type CorpusEntry,
  type InterviewerCorpus,
} from '../helpers/corpus';
import { openPortalSocket, rawRequest } from '../helpers/portal';

interface Fetched {
  where: string;
  body: string;
}

function assertNoLeaks(items: readonly Fetched[], entries: readonly CorpusEntry[]): void {
  for (const item of items) {
    const leaks = findLeaks(searchableText(item.body), entries);
    assert.deepEqual(leaks, [], describeLeaks(leaks, item.where));
  }
}

/** Every directory and file name below `dir`, node_modules included (names only; cheap). */
function allNames(dir: string): { dirs: string[]; files: string[] } {
  const dirs: string[] = [];
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) {
        dirs.push(child);
        walk(child);
      } else files.push(child);
    }
  };
  walk('');
  return { dirs, files };
}

async function get(url: string): Promise<Fetched> {
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000), redirect: 'manual' });
  return { where: `GET ${url} (${res.status})`, body: await res.text() };
}

/** Same-origin links and assets of an HTML page (one level; candidate pages link to their own scripts and docs). */
function linksOf(html: string, base: string): string[] {
  const found = new Set<string>();
  for (const m of html.matchAll(/\b(?:href|src)\s*=\s*["']([^"'#]+)["']/gi)) {
    try {
      const url = new URL(m[1] ?? '', base);
      if (url.origin === new URL(base).origin) found.add(url.href);
    } catch {
      // not a URL
    }
  }
  return [...found].slice(0, 40);
}

for (const exerciseDir of shippedExercises()) {
  const corpus: InterviewerCorpus = interviewerCorpus(exerciseDir);
  const id = corpus.exercise;

  describe(`${id}: interviewer material never reaches the candidate`, () => {
    const t = suiteCleanup();
    const home = tempDir(t, 'faultline-home-');
    const env = cliEnv(home);
    const work = tempDir(t, `faultline-leaks-${id}-`);
    const dir = path.join(work, 'ws');
    let state: SessionState;

    before(async () => {
      const created = await runCli(['new', id, dir], { env });
      assert.equal(created.code, 0, created.stderr);
    });

    it('has a corpus worth checking', () => {
      assert.ok(corpus.entries.length > 50, `${corpus.entries.length} interviewer strings`);
      assert.ok(
        corpus.entries.some((e) => e.hint),
        'hints are in it',
      );
      assert.ok(
        corpus.entries.some((e) => e.source.startsWith('guide')),
        'the guide is in it',
      );
    });

    it('the scaffolded workspace holds no interviewer material', () => {
      const names = allNames(dir);
      const interviewerDirs = names.dirs.filter((d) => path.basename(d).toLowerCase() === 'interviewer');
      assert.deepEqual(interviewerDirs, [], 'no interviewer folder anywhere');
      const outside = (f: string) => !f.split(path.sep).includes('node_modules');
      const checkFiles = names.files.filter((f) => outside(f) && corpus.checkFileNames.includes(path.basename(f)));
      assert.deepEqual(checkFiles, [], 'no hidden check file');
      assert.ok(!names.files.some((f) => outside(f) && path.basename(f) === 'exercise.json'), 'no manifest');
      const files = filesBelow(dir);
      assert.ok(files.length > 3, 'the starter is there');
      for (const f of files) {
        const data = fs.readFileSync(path.join(dir, f));
        const leaks = findLeaks(data.toString('utf8'), corpus.entries);
        assert.deepEqual(leaks, [], describeLeaks(leaks, f));
      }
    });

    it('the portal and the services answer nothing of it while the session runs', async (tc) => {
      const up = await startUp(t, dir, { env, stateFile: path.join(work, 'state.json') });
      state = up.state;
      const portal = state.portal.url;
      const fetched: Fetched[] = [];
      for (const target of ['/', '/index.html', '/portal.js', '/portal.css', '/api/view']) fetched.push(await get(portal + target));
      assert.ok(
        fetched.every((f) => / \(200\)$/.test(f.where)),
        fetched.map((f) => f.where).join(', '),
      );

      const ws = await openPortalSocket(portal);
      const first = await ws.next((m) => m.type === 'view', 'the first view');
      const logs = await ws.next((m) => m.type === 'logs', "the services' recent output");
      ws.close();
      fetched.push({ where: 'the WebSocket view', body: JSON.stringify(first) });
      fetched.push({ where: 'the WebSocket log lines', body: JSON.stringify(logs) });

      // Asking for interviewer files, directly or by traversal, gets a bare 404.
      const { guide = 'interviewer/GUIDE.md', checks = 'interviewer/checks' } = corpus.manifest.interviewer;
      const wanted = [guide, 'exercise.json', `${checks}/${corpus.checkFileNames[0] ?? 'x.check.ts'}`];
      for (const rel of wanted) {
        for (const target of [
          `/${rel}`,
          `/../workspaces/${id}/${rel}`,
          `/../../workspaces/${id}/${rel}`,
          `/%2e%2e/workspaces/${id}/${rel}`,
          `/..%2f..%2fworkspaces%2f${id}%2f${rel.replaceAll('/', '%2f')}`,
          `/..\\..\\workspaces\\${id}\\${rel.replaceAll('/', '\\')}`,
          `/${path.join(exerciseDir, rel)}`,
          `//${path.join(exerciseDir, rel)}`,
          `/portal.css/../../workspaces/${id}/${rel}`,
        ]) {
          const r = await rawRequest(portal, target);
          assert.equal(r.status, 404, `${target}: ${r.status}`);
          assert.ok(!r.body.includes(repoRoot), `${target} answers without paths`);
          fetched.push({ where: `GET ${target} (portal)`, body: r.body });
        }
      }

      // Each service's public address: root, what the root links to, health; the scenario endpoints.
      for (const s of corpus.manifest.services) {
        // A TCP service (the bundled broker) answers HTTP on the same address too.
        const url = state.services[s.name]?.url.replace(/^tcp:/, 'http:');
        assert.ok(url, `${s.name} has a public URL`);
        const root = await get(url + '/');
        fetched.push(root, await get(url + s.health.path));
        for (const link of linksOf(root.body, url + '/')) fetched.push(await get(link));
      }
      const ep = corpus.manifest.scenarioEndpoints;
      if (ep) {
        const url = state.services[ep.service]?.url ?? '';
        const current = await get(url + ep.current);
        const list = await get(url + ep.list);
        assert.match(current.where, / \(200\)$/);
        assert.match(list.where, / \(200\)$/);
        fetched.push(current, list);
      }
      assertNoLeaks(fetched, corpus.entries);
      tc.diagnostic(`${fetched.length} answers checked against ${corpus.entries.length} interviewer strings`);
    });

    it('a sent hint shows up in the portal (and HINTS.md); the unsent ones still do not', async (tc) => {
      assert.ok(state, 'the session is running');
      const ladder = corpus.manifest.hints[0];
      const step = ladder?.ladder[0];
      assert.ok(ladder && step, `${id} has hints`);
      const ws = await openPortalSocket(state.portal.url);
      tc.after(() => ws.close());
      await ws.next((m) => m.type === 'view', 'the first view');
      await apiClient(controlApi, state.control.url, readToken(state)).hintSend({ ladder: ladder.id, level: step.level });
      const hint = await ws.next((m) => m.type === 'hint', 'the hint message');
      const pushed = await ws.next((m: PortalMessage) => m.type === 'view' && m.view.hints.length === 1, 'a view with the hint');
      const view = await apiClient(portalApi, state.portal.url, '').view(null);
      assert.deepEqual(
        view.hints.map((h) => [h.title, h.level, h.text]),
        [[ladder.title, step.level, step.text]],
      );
      assert.ok(searchableText(JSON.stringify(view)).includes(step.text));

      // What is public now: the sent hint's text and title (a guide line quoting them is no secret any more).
      const nowPublic = (e: CorpusEntry) => step.text.includes(e.text) || ladder.title.includes(e.text);
      const stillSecret = corpus.entries.filter((e) => !nowPublic(e));
      assert.ok(
        stillSecret.some((e) => e.hint && !(e.hint.ladder === ladder.id && e.hint.level === step.level)),
        'other hints remain to check',
      );
      assertNoLeaks(
        [
          { where: 'GET /api/view after the hint', body: JSON.stringify(view) },
          { where: 'the hint message', body: JSON.stringify(hint) },
          { where: 'the pushed view', body: JSON.stringify(pushed) },
          { where: 'HINTS.md', body: fs.readFileSync(path.join(dir, 'HINTS.md'), 'utf8') },
        ],
        stillSecret,
      );
    });
  });
}
